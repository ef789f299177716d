"""The one HTTP client every HTTP collector uses (Gerrit, GitHub, Launchpad, coverage URLs).

Collectors turn payloads into rows; this module owns the transport: a
``requests.Session`` with connect/read timeouts and a descriptive User-Agent,
bounded exponential backoff with jitter on 429/5xx/connection errors and
invalid or truncated JSON, ``Retry-After`` and GitHub ``x-ratelimit-*``
headers (sleeping until the reset, with a progress message), ETag /
``If-None-Match`` conditional requests, and the three pagination styles the
sources use (Gerrit ``_more_changes`` + ``S=``; GitHub ``Link: rel="next"``;
Launchpad ``next_collection_link``).  Gerrit's ``)]}'`` XSSI line is stripped
in :func:`parse_json`, the one place that parses bodies.

Tokens come only from an environment variable named in the source config
(``token_env``); they are sent only to the client's own host and never
appear in logs or error messages (:meth:`HttpClient.redact`).

Typical use::

    client = HttpClient.from_options("https://review.example.org", spec.options, progress=progress)
    for page in client.gerrit_pages("changes/", {"q": "project:nova"}, page_size=500):
        ...
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import json
import logging
import os
import random
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from collectors import paging
from collectors.base import CollectorError

log = logging.getLogger(__name__)

USER_AGENT = ("healthdash-collector/0.1 (project-health dashboard for open-source communities; "
              "python-requests/{requests})").format(requests=requests.__version__)
XSSI_PREFIX = ")]}'"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SECRET_PARAMS = frozenset({"access_token", "token", "key", "api_key", "apikey", "password", "oauth_token"})
ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]{0,127}$", re.IGNORECASE)
#: Well-known token shapes (GitHub, GitLab): such a value in ``token_env`` is a pasted token.
TOKEN_SHAPE = re.compile(r"^(?:gh[pousr]_|github_pat_|glpat-)")
TRANSIENT_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                    requests.exceptions.ContentDecodingError)


class RateLimited(CollectorError):
    """The source's request budget is spent for longer than we are willing to wait."""

    def __init__(self, message: str, seconds_to_reset: float):
        super().__init__(message)
        self.seconds_to_reset = seconds_to_reset


class HttpStatusError(CollectorError):
    """A 4xx answer that retrying cannot fix; ``status`` lets callers skip 404/410 per item."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class _InvalidJSON(ValueError):
    """A body that is not (complete) JSON; retried like a transient failure."""


@dataclass
class Reply:
    """One decoded response: ``data`` is the parsed JSON (from the cache on a 304)."""

    url: str
    status: int
    headers: Mapping[str, str]
    data: Any
    cached: bool = False

    def link(self, rel: str = "next") -> str | None:
        """The URL of a GitHub-style ``Link:`` header entry, or None."""
        header = self.headers.get("Link") or self.headers.get("link")
        if not header:
            return None
        for entry in requests.utils.parse_header_links(header):
            if entry.get("rel") == rel:
                return entry.get("url")
        return None


def parse_json(text: str) -> Any:
    """Parse a JSON body, dropping Gerrit's ``)]}'`` anti-XSSI first line when present."""
    if text.startswith(XSSI_PREFIX):
        text = text[len(XSSI_PREFIX):]
    try:
        return json.loads(text)
    except ValueError as err:
        raise _InvalidJSON(f"invalid JSON: {err.msg} (character {err.pos} of {len(text)})") from None


class ETagCache:
    """Remembers ``ETag`` + body (+ ``Link``) per URL so repeat requests can be conditional.

    In memory (the last ``max_entries`` URLs) by default; with ``directory`` it
    also persists across runs, one JSON file per URL named by a hash of the
    token-free URL, so the next incremental run gets cheap ``304`` answers.
    """

    def __init__(self, directory: str | os.PathLike | None = None, *, max_entries: int = 256):
        self.directory = Path(directory) if directory else None
        self.max_entries = max_entries
        self._memory: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def _file(self, key: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / (hashlib.sha1(key.encode()).hexdigest() + ".json")

    def get(self, key: str) -> dict[str, Any] | None:
        """``{"etag", "data", "link"}`` stored for ``key``, or None."""
        if key in self._memory:
            self._memory.move_to_end(key)
            return self._memory[key]
        path = self._file(key)
        if path is not None and path.exists():
            try:
                entry = json.loads(path.read_text("utf-8"))
                return entry if "etag" in entry and "data" in entry else None
            except (ValueError, OSError):
                return None
        return None

    def put(self, key: str, etag: str, data: Any, link: str | None = None) -> None:
        entry = {"etag": etag, "data": data, "link": link}
        self._memory[key] = entry
        self._memory.move_to_end(key)
        while len(self._memory) > self.max_entries:
            self._memory.popitem(last=False)
        path = self._file(key)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(entry), "utf-8")
            os.replace(tmp, path)


class HttpClient:
    """A retrying, rate-limit-aware JSON client for one service.

    Parameters
    ----------
    base_url : relative paths given to :meth:`get` are joined to it; the token
        is sent only to this host.
    token : the secret itself (use :meth:`from_options` to read it from ``token_env``).
    auth : ``"bearer"`` (``Authorization: Bearer <token>``, GitHub), ``"basic"``
        (token is ``user:password``, Gerrit HTTP credentials) or ``"launchpad"``
        (token is ``consumer_key:access_token:access_secret``, OAuth PLAINTEXT).
    timeout : ``(connect, read)`` seconds.
    retries : attempts after the first for transient failures.
    backoff_base, backoff_cap : exponential backoff ``base * 2**n`` seconds, capped,
        with jitter (a random factor in [0.5, 1]); ``Retry-After`` also capped at
        ``max_wait``.
    max_wait : longest single sleep for a rate-limit reset; beyond it :class:`RateLimited`.
    cache : an :class:`ETagCache` to make requests conditional (``If-None-Match``);
        None (the default) sends plain requests.
    progress : ``progress(0, message=...)`` callable told about sleeps.
    sleep, clock, rng : injectable for tests.
    """

    def __init__(self, base_url: str | None = None, *, token: str | None = None, auth: str = "bearer",
                 timeout: tuple[float, float] = (10.0, 60.0), retries: int = 5,
                 backoff_base: float = 1.0, backoff_cap: float = 60.0, max_wait: float = 3900.0,
                 cache: ETagCache | None = None, progress: Callable[..., None] | None = None,
                 user_agent: str = USER_AGENT, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time, rng: random.Random | None = None,
                 extra_headers: Mapping[str, str] | None = None):
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self._host = urlsplit(base_url).netloc if base_url else None
        self._token = token or None
        self._auth = auth
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self.cache = cache
        self.progress = progress
        self._sleep, self._clock = sleep, clock
        self._rng = rng or random.Random()
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
        self.session.headers.update(dict(extra_headers or {}))
        self.requests_made = 0

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_options(cls, base_url: str | None, options: Mapping[str, Any], **kwargs: Any) -> "HttpClient":
        """A client configured from a source's options (``token_env``, ``timeout``, ``retries``,
        ``backoff_base``, ``backoff_cap``, ``cache_dir``); keyword arguments win."""
        token_env = options.get("token_env")
        token = None
        if token_env:
            if not ENV_NAME.match(str(token_env)) or TOKEN_SHAPE.search(str(token_env)):
                # Never echo it: a value that is not a variable name is most likely the token itself.
                raise CollectorError(f"token_env of {_without_credentials(base_url)} must name an environment "
                                     "variable (like GITHUB_TOKEN) that holds the token, not the token itself")
            token = os.environ.get(token_env)
            if not token:
                raise CollectorError(f"environment variable {token_env} (token_env of "
                                     f"{_without_credentials(base_url)}) is not set")
        settings: dict[str, Any] = {"token": token}
        if options.get("timeout") is not None:
            settings["timeout"] = (float(options["timeout"]), float(options["timeout"]))
        for key in ("retries", "backoff_base", "backoff_cap", "max_wait"):
            if options.get(key) is not None:
                settings[key] = options[key]
        if options.get("cache_dir"):
            settings["cache"] = ETagCache(Path(options["cache_dir"]))
        settings.update(kwargs)
        return cls(base_url, **settings)

    # -- safety -------------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """``text`` with the token (and any secret query parameter) removed."""
        if self._token:
            text = text.replace(self._token, "***")
            if ":" in self._token and self._auth == "basic":
                text = text.replace(self._token.split(":", 1)[1], "***")
            if self._auth == "launchpad":
                for part in self._token.split(":")[1:]:
                    text = text.replace(part, "***") if part else text
        return text

    def safe_url(self, url: str) -> str:
        """``url`` without user info or secret query parameters, for logs and errors."""
        parts = urlsplit(url)
        query = urlencode([(k, "***" if k.lower() in SECRET_PARAMS else v)
                           for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe=":+~*")
        netloc = parts.netloc.rsplit("@", 1)[-1]
        return self.redact(urlunsplit((parts.scheme, netloc, parts.path, query, "")))

    def url(self, path_or_url: str) -> str:
        if path_or_url.startswith(("http://", "https://")):
            return path_or_url
        if not self.base_url:
            raise CollectorError(f"relative URL {path_or_url!r} given to a client without a base URL")
        return self.base_url + path_or_url.lstrip("/")

    def _auth_headers(self, url: str) -> dict[str, str]:
        if not self._token or (self._host and urlsplit(url).netloc != self._host):
            return {}
        if self._auth == "launchpad":
            return {"Authorization": launchpad_oauth_header(self._token)}
        if self._auth == "basic":
            user, _, password = self._token.partition(":")
            pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            return {"Authorization": f"Basic {pair}"}
        return {"Authorization": f"Bearer {self._token}"}

    def _say(self, message: str) -> None:
        """Tell the progress display and the log (a warning, so non-terminal runs keep a trace)."""
        log.warning("%s", self.redact(message))
        if self.progress is not None:
            self.progress(0, message=self.redact(message))

    # -- requests -----------------------------------------------------------------------------

    def get(self, path_or_url: str, params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
            *, text: bool = False) -> Reply:
        """GET JSON with retries; returns a :class:`Reply` (cached data on 304).

        ``text=True`` returns the body as text (reports, XML) under the same
        status, retry, rate-limit and ETag rules.
        """
        url = self.url(path_or_url)
        full = requests.Request("GET", url, params=params).prepare().url or url
        attempt = 0
        while True:
            try:
                return self._attempt(full, text)
            except _Retry as retry:
                if attempt >= self.retries:
                    raise CollectorError(
                        f"GET {self.safe_url(full)} failed after {attempt + 1} attempts: {self.redact(retry.reason)}"
                    ) from None
                delay = retry.delay if retry.delay is not None else self._backoff(attempt)
                self._say(f"{retry.reason} from {self.safe_url(full)}; retrying in {delay:.1f} s "
                          f"(attempt {attempt + 2} of {self.retries + 1})")
                self._sleep(delay)
                attempt += 1

    def get_json(self, path_or_url: str, params: Mapping[str, Any] | list[tuple[str, Any]] | None = None) -> Any:
        return self.get(path_or_url, params).data

    def _attempt(self, url: str, text: bool = False) -> Reply:
        headers = self._auth_headers(url)
        cached = self.cache.get(self.safe_url(url)) if self.cache is not None else None
        if cached:
            headers["If-None-Match"] = cached["etag"]
        self.requests_made += 1
        try:
            response = self.session.get(url, headers=headers, timeout=self.timeout)
            body = response.text if response.status_code != 304 else ""
        except TRANSIENT_ERRORS as err:
            raise _Retry(f"{type(err).__name__}") from None
        except requests.RequestException as err:
            raise CollectorError(f"GET {self.safe_url(url)}: {self.redact(type(err).__name__)}") from None
        return self._handle(url, response, body, cached, text)

    def _handle(self, url: str, response: requests.Response, body: str, cached: dict[str, Any] | None,
                text: bool = False) -> Reply:
        status = response.status_code
        self._watch_budget(url, response)
        if status == 304 and cached:
            headers = dict(response.headers)
            if cached.get("link") and "Link" not in headers:
                headers["Link"] = cached["link"]
            return Reply(url, status, headers, cached["data"], cached=True)
        if self._budget_spent(response):
            self._wait_for_reset(url, response)
            raise _Retry("rate limit reset", delay=0.0)
        if status in RETRY_STATUSES or (status == 403 and response.headers.get("Retry-After")):
            raise _Retry(f"HTTP {status}", delay=self._retry_after(response))
        if status >= 400:
            raise HttpStatusError(f"GET {self.safe_url(url)}: HTTP {status} {response.reason or ''}".strip(), status)
        try:
            data = body if text else parse_json(body)
        except _InvalidJSON as err:
            raise _Retry(str(err)) from None
        etag = response.headers.get("ETag")
        if etag and self.cache is not None:
            self.cache.put(self.safe_url(url), etag, data, response.headers.get("Link"))
        return Reply(url, status, response.headers, data)

    # -- backoff and rate limits --------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** attempt))
        return ceiling * (0.5 + self._rng.random() / 2)

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - self._clock()
            except (TypeError, ValueError):
                return None
        seconds = max(0.0, seconds)
        if seconds > self.max_wait:
            raise RateLimited(f"{self.safe_url(response.url or '')} asks to retry in {seconds:.0f} s "
                              f"(more than {self.max_wait:.0f} s)", seconds)
        return seconds

    @staticmethod
    def _budget_spent(response: requests.Response) -> bool:
        return (response.status_code in (403, 429)
                and response.headers.get("x-ratelimit-remaining") == "0"
                and response.headers.get("x-ratelimit-reset") is not None)

    def _watch_budget(self, url: str, response: requests.Response) -> None:
        """After a successful call that spent the last request of the budget, wait for the reset."""
        if response.status_code < 400 and response.headers.get("x-ratelimit-remaining") == "0":
            self._wait_for_reset(url, response)

    def _wait_for_reset(self, url: str, response: requests.Response) -> None:
        try:
            reset = float(response.headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return
        seconds = max(0.0, reset - self._clock()) + 1.0
        resource = response.headers.get("x-ratelimit-resource", "core")
        if seconds > self.max_wait:
            raise RateLimited(f"rate limit ({resource}) for {self._host or self.safe_url(url)} resets in "
                              f"{seconds:.0f} s, more than {self.max_wait:.0f} s", seconds)
        when = time.strftime("%H:%M:%S", time.gmtime(reset))
        self._say(f"rate limit ({resource}) spent for {self._host or 'source'}; sleeping {seconds:.0f} s "
                  f"until {when} UTC")
        self._sleep(seconds)

    # -- pagination ---------------------------------------------------------------------------

    def gerrit_pages(self, path: str, params: Mapping[str, Any] | list[tuple[str, Any]],
                     *, page_size: int = 500, overlap: int = 0) -> Iterator[list[dict]]:
        """Yield Gerrit result pages, following ``_more_changes`` on the last item with ``S=``.

        ``overlap`` re-reads that many rows of the previous page (callers dedupe by key), so a
        result that left the query mid-run (shifting later offsets down) is not skipped.
        Guards against repeated pages and missing markers: :mod:`collectors.paging`.
        """
        return paging.gerrit_pages(self, path, params, page_size=page_size, overlap=overlap)

    def link_pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Reply]:
        """Yield GitHub-style pages, following ``Link: <...>; rel="next"`` until there is none."""
        return paging.link_pages(self, path, params)

    def launchpad_pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[list[dict]]:
        """Yield Launchpad collection ``entries`` pages, following ``next_collection_link``."""
        return paging.launchpad_pages(self, path, params)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _without_credentials(url: str | None) -> str:
    """``url`` without ``user:password@`` (for messages about a source's settings)."""
    if not url:
        return "the source"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, "", ""))


def launchpad_oauth_header(token: str) -> str:
    """Launchpad's OAuth 1.0 PLAINTEXT header from ``consumer_key:access_token:access_secret``."""
    consumer, _, rest = token.partition(":")
    access, _, secret = rest.partition(":")
    fields = {"oauth_consumer_key": consumer, "oauth_token": access, "oauth_signature_method": "PLAINTEXT",
              "oauth_signature": f"&{secret}", "oauth_timestamp": str(int(time.time())),
              "oauth_nonce": "%016x" % random.getrandbits(64), "oauth_version": "1.0"}
    return 'OAuth realm="https://api.launchpad.net/", ' + ", ".join(f'{k}="{v}"' for k, v in fields.items())


class _Retry(Exception):
    """Internal signal: this attempt failed transiently; ``delay`` overrides the backoff."""

    def __init__(self, reason: str, delay: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
