"""Redaction: the one place secrets are taken out of text a person or a log may see.

Where it sits: beside the runner and the pages.  Every message that leaves
healthdash - ``collect``'s console lines, ``sources.location`` and
``sources.last_error`` as stored, ``healthdash status``, the Data page, and
every Python log record (:func:`install_log_redaction`) - goes through
:func:`redact`.  Collectors already keep their own token out of the URLs they
report (``collectors.http.HttpClient.safe_url``); this is the net under
everything else: URLs written into the settings with credentials in them
(``https://user:pass@host/...``, ``?access_token=...``), token-looking values
pasted where a variable name belongs (``token_env = "ghp_..."``) and the values
of the environment variables that sources name as holding tokens.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Iterable

MASK = "***"

#: Query parameters whose values are secrets wherever they appear.
SECRET_PARAMS = ("access_token", "token", "private_token", "api_key", "apikey", "key", "password",
                 "passwd", "secret", "client_secret", "oauth_token", "oauth_signature", "sig", "signature")

#: Shapes of well-known tokens (GitHub classic and fine-grained, GitLab, Slack, AWS keys, JWTs).
_TOKEN_SHAPES = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})")
#: ``scheme://user:password@`` or ``scheme://token@`` in any URL.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")
_PARAMS = re.compile(r"(?i)([?&;](?:%s)=)[^&#\s'\"<>]+" % "|".join(SECRET_PARAMS))
_AUTH_HEADER = re.compile(r"(?i)\b(authorization:\s*(?:bearer|basic|token|oauth)\s+)[^\s'\"]+")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")

#: Environment variables whose values are masked wherever they appear (see :func:`register_secret_env`).
_SECRET_ENVS: set[str] = set()


def looks_like_token(value: str) -> bool:
    """True when ``value`` is shaped like a credential rather than a variable name."""
    value = value.strip()
    if _TOKEN_SHAPES.search(value):
        return True
    if not _ENV_NAME.match(value):
        return True  # a colon, dash or slash: ``user:password`` or a key, never an env name
    has_lower, has_digit = any(c.islower() for c in value), any(c.isdigit() for c in value)
    return len(value) >= 24 and has_lower and has_digit


def register_secret_env(*names: str | None) -> None:
    """Mask the values of these environment variables (sources' ``token_env``) from now on."""
    _SECRET_ENVS.update(n for n in names if n and _ENV_NAME.match(n))


def _secret_values(extra: Iterable[str]) -> list[str]:
    values = [os.environ.get(name, "") for name in _SECRET_ENVS] + list(extra)
    parts = []
    for value in values:
        if len(value) >= 6:
            parts.append(value)
            # ``user:password`` (Gerrit) and ``key:token:secret`` (Launchpad): each part alone too
            parts += [p for p in value.split(":")[1:] if len(p) >= 6]
    return sorted(set(parts), key=len, reverse=True)


def redact(text: object, secrets: Iterable[str] = ()) -> str:
    """``text`` with credentials in URLs, secret query parameters, token-shaped strings,
    authorization headers and known secret values replaced by ``***``."""
    if text is None:
        return ""
    out = str(text)
    for value in _secret_values(secrets):
        out = out.replace(value, MASK)
    out = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", out)
    out = _PARAMS.sub(lambda m: m.group(1) + MASK, out)
    out = _AUTH_HEADER.sub(lambda m: m.group(1) + MASK, out)
    return _TOKEN_SHAPES.sub(MASK, out)


def sql_redactions() -> list[tuple[str, str]]:
    """:func:`redact`'s URL, parameter, header and token rules as (RE2 pattern, replacement) pairs,
    for SQL engines (DuckDB ``regexp_replace(x, pattern, replacement, 'g')``) that mask a whole
    column without a Python call per row.  Known secret values are masked when stored, not here."""
    return [(_USERINFO.pattern, "\\1" + MASK + "@"), (_PARAMS.pattern, "\\1" + MASK),
            (_AUTH_HEADER.pattern, "\\1" + MASK), (_TOKEN_SHAPES.pattern, MASK)]


class RedactingFilter(logging.Filter):
    """A logging filter that redacts each record's formatted message (and drops its args)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it was given
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> None:
    """Redact every record that reaches ``logger``'s handlers (default: the root logger's)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


#: An absolute filesystem path (not the path part of a URL: that follows a host name).
_ABSOLUTE_PATH = re.compile(r"(?<![\w/.:~-])(?:~|/)(?:[^\s/'\"()<>:;,]+/)+([^\s/'\"()<>:;,]+)")


def without_server_paths(text: object) -> str:
    """:func:`redact` ``text`` and shorten absolute paths to their last part (``…/nova``):
    what the web pages show, since the server's folder layout is none of a visitor's business."""
    return _ABSOLUTE_PATH.sub(lambda m: "…/" + m.group(1), redact(text))
