"""GitHub issues: ``/repos/{owner}/{repo}/issues`` -> ``bugs`` and ``identities`` rows.

Sits between the GitHub REST API (through :mod:`collectors.http`) and the
warehouse loader, beside ``collectors/github.py`` (pull requests and reviews).
For each configured repository it pages ``issues?state=all&sort=updated&
direction=asc&since=<cursor>`` following ``Link: rel="next"``, drops items
with a ``pull_request`` key (the issues endpoint returns pull requests too)
and keeps state, ``state_reason``, labels and dates.  A configured label
(``security_labels``) marks a security issue.

Privacy: every issue of a private repository (``GET /repos/{o}/{r}`` says
``private: true``) is private; its title, labels and link are not stored unless
the source sets ``include_private`` and authenticates (``token_env``): the same
decision as :mod:`collectors.launchpad` (:func:`~collectors.launchpad.shows_details`),
applied to the typed row and to the issue's ``raw_items`` payload alike.

Each issue is stored as a ``raw_items`` payload ``{"repository": {"full_name",
"private"}, "issue": ...}`` in the batch of its row; :func:`rebuild` turns
stored payloads back into the same rows.

Options: ``repos`` (``["owner/name", ...]``; the warehouse repository is the
full name, as for pull requests, or ``owner/name=repo`` to name it), ``security_labels``,
``token_env``, ``include_private``; ``location`` is the API root
(``https://api.github.com`` when empty).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterator, Mapping

import polars as pl

from collectors.base import Batch, CollectorError, SourceSpec, expect_objects, expect_shape, parsing, utc_now
from collectors.github import client_for, parse_time, user_identity
from collectors.launchpad import private_details_allowed, shows_details
from collectors.raw import keep, raw_frame
from collectors.review_rows import IDENTITY_SCHEMA

VERSION = "1"
CATEGORY = "issue"
#: What a scrubbed private issue keeps: what :func:`issue_row` and :func:`_identities` read for it.
SCRUBBED_ISSUE_FIELDS = ("number", "state", "state_reason", "created_at", "closed_at", "updated_at")
SCRUBBED_USER_FIELDS = ("login", "id", "type", "name", "email")
CURSOR_MARGIN = timedelta(minutes=10)
TS = pl.Datetime("us", "UTC")
BUG_SCHEMA = {
    "source": pl.String, "bug_key": pl.String, "bug_id": pl.String, "repo": pl.String, "title": pl.String,
    "status": pl.String, "state_reason": pl.String, "importance": pl.String, "created": TS, "closed": TS,
    "updated": TS, "is_security": pl.Boolean, "is_private": pl.Boolean, "information_type": pl.String,
    "reporter_identity": pl.String, "assignee_identity": pl.String, "tags": pl.List(pl.String),
    "web_link": pl.String, "source_id": pl.String, "fetched_at": TS,
}


def repo_targets(entries: list[str]) -> list[tuple[str, str]]:
    """``["org/nova", "org/x=client"]`` -> ``[("org/nova", "org/nova"), ("org/x", "client")]``.

    The warehouse repository is the full name, as for pull requests (``collectors.github``),
    unless ``=name`` gives the configured repository's name.
    """
    targets = []
    for entry in entries:
        full, _, name = str(entry).partition("=")
        if full.count("/") != 1 or not all(full.split("/")):
            raise CollectorError(f"github_issues: repository {entry!r} is not 'owner/name'")
        targets.append((full.strip(), (name or full).strip()))
    return targets


def issue_row(item: Mapping[str, Any], *, full_name: str, repo: str, private: bool, source_id: str,
              security_labels: tuple[str, ...] = (), allow_private_details: bool = False,
              fetched_at: datetime | None = None) -> dict[str, Any] | None:
    """One ``bugs`` row for an issue (None for a pull request), with the privacy rule applied."""
    if "pull_request" in item:
        return None
    labels = [str(label.get("name")) for label in item.get("labels") or [] if isinstance(label, Mapping)]
    wanted = {label.lower() for label in security_labels}
    show = shows_details(private, allow_private_details)
    number = f"{full_name}#{item['number']}"
    return {
        "source": "github", "bug_key": number, "bug_id": number, "repo": repo,
        "title": item.get("title") if show else None,
        "status": item.get("state"), "state_reason": item.get("state_reason"),
        "importance": None, "created": parse_time(item.get("created_at")),
        "closed": parse_time(item.get("closed_at")), "updated": parse_time(item.get("updated_at")),
        "is_security": any(label.lower() in wanted for label in labels),
        "is_private": private, "information_type": "Private" if private else "Public",
        "reporter_identity": _identity(item.get("user")),
        "assignee_identity": _identity(item.get("assignee")),
        "tags": labels if show else None,
        "web_link": item.get("html_url") if show else None,
        "source_id": source_id, "fetched_at": fetched_at,
    }


def _identity(user: Mapping[str, Any] | None) -> str | None:
    row = user_identity(user)
    return row["identity_id"] if row else None


def _identities(items: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    users = {}
    for item in items:
        for user in (item.get("user"), item.get("assignee")):
            row = user_identity(user)
            if row:
                users[row["identity_id"]] = row
    return list(users.values())


def issue_payload(item: Mapping[str, Any], *, full_name: str, private: bool,
                  security_labels: tuple[str, ...] = (), allow_private_details: bool = False) -> dict[str, Any]:
    """The ``raw_items`` payload of an issue, scrubbed when :func:`shows_details` says so.

    A scrubbed issue keeps only the configured security labels it carries (they say no
    more than ``is_security``, which the row keeps) and its people's ids and names.
    """
    repository = {"full_name": full_name, "private": private}
    if shows_details(private, allow_private_details):
        return {"repository": repository, "issue": dict(item)}
    wanted = {label.lower() for label in security_labels}
    issue = keep(dict(item), SCRUBBED_ISSUE_FIELDS)
    issue["labels"] = [{"name": label["name"]} for label in item.get("labels") or []
                       if isinstance(label, Mapping) and str(label.get("name")).lower() in wanted]
    for role in ("user", "assignee"):
        issue[role] = keep(item.get(role), SCRUBBED_USER_FIELDS)
    return {"repository": repository, "issue": issue}


def parse_payloads(spec: SourceSpec, payloads: list[Mapping[str, Any]], fetched_at: datetime | None) -> Batch:
    """``bugs`` and ``identities`` frames from issue payloads (live collection and rebuild alike)."""
    with parsing(f"{spec.source_id}: GitHub issue", detail=False):  # no text: the issue may be private
        return _parse_payloads(spec, payloads, fetched_at)


def _parse_payloads(spec: SourceSpec, payloads: list[Mapping[str, Any]], fetched_at: datetime | None) -> Batch:
    options = spec.options
    names = dict(repo_targets(list(options.get("repos") or ([options["repo"]] if options.get("repo") else []))))
    rows = []
    for payload in payloads:
        full_name = payload["repository"]["full_name"]
        row = issue_row(payload["issue"], full_name=full_name, repo=names.get(full_name, full_name),
                        private=bool(payload["repository"]["private"]), source_id=spec.source_id,
                        security_labels=tuple(options.get("security_labels") or ()),
                        allow_private_details=private_details_allowed(options), fetched_at=fetched_at)
        if row is not None:
            rows.append(row)
    return Batch(frames={"bugs": pl.DataFrame(rows, schema=BUG_SCHEMA),
                         "identities": pl.DataFrame(_identities([p["issue"] for p in payloads]),
                                                    schema=IDENTITY_SCHEMA)})


def rebuild(spec: SourceSpec, payloads: list[Mapping[str, Any]], *,
            fetched_at: datetime | None = None) -> Iterator[Batch]:
    """Stored issue payloads -> the frames the live path built from them (oldest-updated first)."""
    yield parse_payloads(spec, sorted(payloads, key=lambda p: str(p["issue"].get("updated_at") or "")), fetched_at)


def collect(spec: SourceSpec, since: str | None, progress=None) -> Iterator[Batch]:
    """One batch per page per repository; the last batch carries the new cursor."""
    options = dict(spec.options)
    targets = repo_targets(list(options.get("repos") or ([options["repo"]] if options.get("repo") else [])))
    if not targets:
        raise CollectorError(f"github_issues source {spec.source_id}: no repositories configured (repos = [...])")
    allow_private = private_details_allowed(options)
    security_labels = tuple(options.get("security_labels") or ())
    started = utc_now()
    seen: list[datetime] = []
    with client_for(spec, progress) as client:
        for full_name, _ in targets:
            repository = expect_shape(client.get_json(f"repos/{full_name}"), dict,
                                      f"{spec.source_id}: GET repos/{full_name}")
            private = bool(repository.get("private"))
            params = {"state": "all", "sort": "updated", "direction": "asc", "per_page": 100}
            if since:
                params["since"] = since
            for reply in client.link_pages(f"repos/{full_name}/issues", params):
                expect_objects(reply.data, f"{spec.source_id}: {client.safe_url(reply.url)}")
                payloads = [issue_payload(i, full_name=full_name, private=private, security_labels=security_labels,
                                          allow_private_details=allow_private)
                            for i in reply.data if "pull_request" not in i]
                batch = parse_payloads(spec, payloads, started)
                seen += [u for u in batch.frames["bugs"]["updated"].to_list() if u is not None]
                batch.frames["raw_items"] = raw_frame(spec.source_id, VERSION, started, [
                    (CATEGORY, f"{full_name}#{p['issue']['number']}", parse_time(p["issue"].get("updated_at")), p)
                    for p in payloads])
                if progress is not None:
                    progress(len(payloads), message=f"github issues {full_name}")
                yield batch
    yield Batch(frames={}, cursor=_cursor(since, seen, started))


def _cursor(previous: str | None, seen: list[datetime], started: datetime) -> str | None:
    if not seen:
        return previous
    newest = min(max(seen), started - CURSOR_MARGIN)
    if previous and parse_time(previous) >= newest:
        return previous
    return newest.strftime("%Y-%m-%dT%H:%M:%SZ")
