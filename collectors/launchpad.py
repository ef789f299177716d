"""Launchpad bugs: ``searchTasks`` per project -> ``bugs`` and ``identities`` rows.

Sits between the Launchpad REST API (through :mod:`collectors.http`) and the
warehouse loader.  For each configured project the collector asks
``searchTasks`` with EVERY status named (the default returns only open tasks),
``omit_duplicates=false`` (so a bug marked duplicate is seen and marked) and
``modified_since`` from the stored cursor, follows ``next_collection_link``,
and fetches the bug resource (tags, information_type, security_related,
private, duplicate_of) once per changed bug, because those live on the bug, not
the task.  Every ``date_*`` field is kept and any of them may be null.

The privacy rule on the collecting side is :func:`is_private_bug` plus
:func:`shows_details` (used by :func:`bug_row`, by :func:`task_payload` and by
the GitHub issues collector): a private, proprietary or embargoed bug keeps its
dates and status for aggregates, but its title, tags and web link are never put
in a row - nor in its ``raw_items`` payload, which is scrubbed to the fields the
row keeps - unless the source enables private collection (``include_private``)
AND authenticates (``token_env``), see :func:`private_details_allowed`.  A bug
resource we may not read (401/403/404) is treated as private.
``healthdash.privacy`` guards the warehouse side.

Each task with its bug resource is also stored as a ``raw_items`` payload
(category ``task:<project>``, so a full re-scan replaces a project's payloads
with its rows); :func:`rebuild` turns stored payloads back into the same rows.

Parsers are pure functions over JSON; transport is :class:`collectors.http.HttpClient`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator, Mapping

import polars as pl

from collectors.base import Batch, CollectorError, SourceSpec, expect_shape, parsing, utc_now
from collectors.http import HttpClient, HttpStatusError
from collectors.raw import keep, raw_frame
from collectors.review_rows import identity_row

VERSION = "1"
DEFAULT_API = "https://api.launchpad.net/devel"

#: Every bug task status, named explicitly: without ``status=`` Launchpad returns only unresolved tasks.
ALL_STATUSES = ("New", "Incomplete", "Opinion", "Invalid", "Won't Fix", "Expired", "Confirmed", "Triaged",
                "In Progress", "Fix Committed", "Fix Released", "Incomplete (with response)",
                "Incomplete (without response)")

#: Information types whose bugs are private (Launchpad ``InformationType``).
PRIVATE_INFORMATION_TYPES = frozenset({"Private Security", "Private", "Proprietary", "Embargoed"})

#: Statuses a bug resource answers when we may not read it: treated as private.
HIDDEN_STATUSES = frozenset({401, 403, 404, 410})

#: Cursor safety margin: never advance the cursor past (run start - margin), so a
#: bug updated while the run was paging other projects is seen next time.
CURSOR_MARGIN = timedelta(minutes=10)

_BUG_NUMBER = re.compile(r"(/bugs/|\+bug/)\d+")

_DATES = {"created": "date_created", "triaged": "date_triaged", "in_progress": "date_in_progress",
          "fix_committed": "date_fix_committed", "fix_released": "date_fix_released",
          "closed": "date_closed", "left_new": "date_left_new", "confirmed": "date_confirmed"}

TS = pl.Datetime("us", "UTC")
BUG_SCHEMA = {
    "source": pl.String, "bug_key": pl.String, "bug_id": pl.String, "project": pl.String,
    "title": pl.String, "status": pl.String, "importance": pl.String,
    **{column: TS for column in _DATES}, "updated": TS,
    "is_security": pl.Boolean, "is_private": pl.Boolean, "information_type": pl.String,
    "reporter_identity": pl.String, "assignee_identity": pl.String, "tags": pl.List(pl.String),
    "web_link": pl.String, "duplicate_of": pl.String, "source_id": pl.String, "fetched_at": TS,
}
IDENTITY_SCHEMA = {"identity_id": pl.String, "source": pl.String, "name": pl.String, "email": pl.String,
                   "username": pl.String, "account_id": pl.String}


# -- pure parsing ---------------------------------------------------------------------------------

def parse_time(value: str | None) -> datetime | None:
    """Launchpad ISO 8601 (microseconds, ``+00:00``) -> aware UTC datetime; None stays None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CollectorError(f"Launchpad date {value!r} is not ISO 8601") from None
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def is_private_bug(bug: Mapping[str, Any] | None) -> bool:
    """THE rule for Launchpad: private, proprietary or embargoed information type, or ``private: true``.

    ``None`` (a bug resource we could not read) counts as private.
    """
    if bug is None:
        return True
    return bool(bug.get("private")) or bug.get("information_type") in PRIVATE_INFORMATION_TYPES


def private_details_allowed(options: Mapping[str, Any]) -> bool:
    """Whether a source may store private details: ``include_private`` AND credentials (``token_env``)."""
    return bool(options.get("include_private")) and bool(options.get("token_env"))


def shows_details(private: bool, allow_private_details: bool) -> bool:
    """THE decision whether an item's title, tags, links and text may be stored (rows and raw payloads)."""
    return not private or allow_private_details


def is_security_bug(bug: Mapping[str, Any] | None, security_tags: tuple[str, ...] = ()) -> bool:
    """Security bug: ``security_related``, an information type naming Security, or a configured tag."""
    if bug is None:
        return False
    if bug.get("security_related") or "Security" in (bug.get("information_type") or ""):
        return True
    tags = {str(t).lower() for t in bug.get("tags") or []}
    return any(tag.lower() in tags for tag in security_tags)


def person_name(link: str | None) -> str | None:
    """``https://api.launchpad.net/devel/~dev-one`` -> ``dev-one``."""
    if not link or "/~" not in link:
        return None
    return link.rsplit("/~", 1)[1].strip("/") or None


def bug_number(task: Mapping[str, Any]) -> str:
    """The bug number of a task, from ``bug_link`` (``.../bugs/2000001``)."""
    link = task.get("bug_link") or ""
    number = link.rstrip("/").rsplit("/", 1)[-1]
    if not number.isdigit():
        raise CollectorError(f"Launchpad task {task.get('self_link', '?')} has no bug link")
    return number


def bug_row(task: Mapping[str, Any], bug: Mapping[str, Any] | None, *, project: str, source_id: str,
            security_tags: tuple[str, ...] = (), allow_private_details: bool = False,
            fetched_at: datetime | None = None) -> dict[str, Any]:
    """One ``bugs`` row from a task and its bug resource, with the privacy rule applied.

    A private bug keeps status, importance, dates and people (for aggregates);
    its title, tags and web link are dropped unless ``allow_private_details``.
    """
    number = bug_number(task)
    private = is_private_bug(bug)
    show = shows_details(private, allow_private_details)
    bug = bug or {}
    row: dict[str, Any] = {
        "source": "launchpad", "bug_key": f"{project}/{number}", "bug_id": number, "project": project,
        "title": bug.get("title") if show else None,
        "status": task.get("status"), "importance": task.get("importance"),
        **{column: parse_time(task.get(field)) for column, field in _DATES.items()},
        "updated": parse_time(bug.get("date_last_updated")),
        "is_security": is_security_bug(bug, security_tags) if bug else False,
        "is_private": private,
        "information_type": bug.get("information_type") or ("Private" if private and not bug else None),
        "reporter_identity": _identity(task.get("owner_link")),
        "assignee_identity": _identity(task.get("assignee_link")),
        "tags": [str(t) for t in bug.get("tags") or []] if show else None,
        "web_link": task.get("web_link") if show else None,
        "duplicate_of": _duplicate_number(bug.get("duplicate_of_link")),
        "source_id": source_id, "fetched_at": fetched_at,
    }
    return row


def _identity(link: str | None) -> str | None:
    name = person_name(link)
    return identity_row("launchpad", account_id=name, username=name)["identity_id"] if name else None


def _duplicate_number(link: str | None) -> str | None:
    return link.rstrip("/").rsplit("/", 1)[-1] if link else None


def identity_rows(tasks: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``identities`` rows for every reporter and assignee named by ``tasks``."""
    names = {person_name(t.get(k)) for t in tasks for k in ("owner_link", "assignee_link")}
    return [identity_row("launchpad", account_id=n, username=n) for n in sorted(n for n in names if n)]


#: What a scrubbed private payload keeps: exactly what :func:`bug_row` and :func:`identity_rows` read
#: for a private bug (no title, description, tags beyond the security verdict, web or self links).
SCRUBBED_TASK_FIELDS = ("bug_link", "status", "importance", *_DATES.values(), "owner_link", "assignee_link")
SCRUBBED_BUG_FIELDS = ("private", "information_type", "security_related", "date_last_updated",
                       "duplicate_of_link")


def task_payload(project: str, task: Mapping[str, Any], bug: Mapping[str, Any] | None, *,
                 security_tags: tuple[str, ...] = (), allow_private_details: bool = False) -> dict[str, Any]:
    """The ``raw_items`` payload of a task and its bug, scrubbed when :func:`shows_details` says so.

    A scrubbed bug keeps only the configured security tags it carries: they say no more
    than ``is_security``, which the row keeps, and let a rebuild compute the same verdict.
    """
    if shows_details(is_private_bug(bug), allow_private_details):
        return {"project": project, "task": dict(task), "bug": bug}
    wanted = {tag.lower() for tag in security_tags}
    scrubbed = keep(bug, SCRUBBED_BUG_FIELDS)
    if scrubbed is not None:
        scrubbed["tags"] = [t for t in bug.get("tags") or [] if str(t).lower() in wanted]
    return {"project": project, "task": keep(dict(task), SCRUBBED_TASK_FIELDS), "bug": scrubbed}


def parse_payloads(spec: SourceSpec, payloads: list[Mapping[str, Any]],
                   fetched_at: datetime | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``bugs`` and ``identities`` rows from task payloads (live collection and rebuild alike)."""
    allow = private_details_allowed(spec.options)
    security_tags = tuple(spec.options.get("security_labels") or ())
    with parsing(f"{spec.source_id}: Launchpad task", detail=False):  # no text: the bug may be private
        return _parse_payloads(spec, payloads, fetched_at, allow, security_tags)


def _parse_payloads(spec, payloads, fetched_at, allow, security_tags):
    rows = [bug_row(p["task"], p["bug"], project=p["project"], source_id=spec.source_id,
                    security_tags=security_tags, allow_private_details=allow, fetched_at=fetched_at)
            for p in payloads]
    return rows, identity_rows([p["task"] for p in payloads])


def raw_items(spec: SourceSpec, payloads: list[Mapping[str, Any]], rows: list[dict[str, Any]],
              fetched_at: datetime) -> pl.DataFrame:
    """The ``raw_items`` frame for payloads and the rows built from them (item id = ``bug_key``)."""
    return raw_frame(spec.source_id, VERSION, fetched_at,
                     [(f"task:{p['project']}", row["bug_key"], row["updated"], p) for p, row in zip(payloads, rows)])


def rebuild(spec: SourceSpec, payloads: list[Mapping[str, Any]], *,
            fetched_at: datetime | None = None) -> Iterator[Batch]:
    """Stored task payloads -> the ``bugs`` and ``identities`` frames the live path built from them."""
    rows, identities = parse_payloads(spec, payloads, fetched_at)
    yield _batch(rows, identities)


def search_params(since: str | None, page_size: int = 75) -> list[tuple[str, str]]:
    """``searchTasks`` query: every status, duplicates included, optionally modified since the cursor."""
    params = [("ws.op", "searchTasks")] + [("status", s) for s in ALL_STATUSES]
    params += [("omit_duplicates", "false"), ("ws.size", str(page_size))]
    if since:
        params.append(("modified_since", since))
    return params


def next_cursor(previous: str | None, seen: list[datetime], started: datetime) -> str | None:
    """Newest ``date_last_updated`` seen, never later than the run start minus :data:`CURSOR_MARGIN`."""
    if not seen:
        return previous
    newest = min(max(seen), started - CURSOR_MARGIN)
    if previous and parse_time(previous) >= newest:
        return previous
    return newest.isoformat()


# -- collection -----------------------------------------------------------------------------------

def collect(spec: SourceSpec, since: str | None, progress=None) -> Iterator[Batch]:
    """Incremental runs yield one batch per searchTasks page; a full run (no cursor) one batch
    per project that replaces the project's rows.  The last batch carries the new cursor."""
    options = dict(spec.options)
    projects = list(options.get("projects") or [])
    if not projects:
        raise CollectorError(f"launchpad source {spec.source_id}: no projects configured (projects = [...])")
    allow_private = private_details_allowed(options)
    security_tags = tuple(options.get("security_labels") or ())
    started = utc_now()
    updated_seen: list[datetime] = []
    bugs_cache: dict[str, dict | None] = {}
    client = HttpClient.from_options(spec.location or DEFAULT_API, options, progress=progress,
                                     **({"auth": "launchpad"} if options.get("token_env") else {}))
    with client:
        for project in projects:
            pending: list[dict] = []
            pages = client.launchpad_pages(project, search_params(since, int(options.get("page_size", 75))))
            for entries in pages:
                payloads = [task_payload(project, task, _bug_resource(client, task, bugs_cache),
                                         security_tags=security_tags, allow_private_details=allow_private)
                            for task in entries]
                if progress is not None:
                    progress(len(payloads), message=f"launchpad {project}")
                if since:
                    yield _payload_batch(spec, payloads, started, updated_seen)
                else:
                    pending.extend(payloads)
            if not since:
                # A full scan replaces the project's rows and raw payloads: a bug that became private
                # (and is no longer visible to us) leaves the warehouse instead of keeping its title.
                batch = _payload_batch(spec, pending, started, updated_seen)
                batch.replace = {"bugs": {"source_id": spec.source_id, "project": project},
                                 "raw_items": {"source_id": spec.source_id, "category": f"task:{project}"}}
                yield batch
    yield Batch(frames={}, cursor=next_cursor(since, updated_seen, started))


def _payload_batch(spec: SourceSpec, payloads: list[dict], fetched_at: datetime, updated_seen: list) -> Batch:
    rows, identities = parse_payloads(spec, payloads, fetched_at)
    updated_seen += [r["updated"] for r in rows if r["updated"] is not None]
    batch = _batch(rows, identities)
    batch.frames["raw_items"] = raw_items(spec, payloads, rows, fetched_at)
    return batch


def _bug_resource(client: HttpClient, task: Mapping[str, Any], cache: dict[str, dict | None]) -> dict | None:
    """The bug behind a task, fetched once per run; None when Launchpad will not show it to us."""
    link = task.get("bug_link")
    if not link:
        return None
    if link not in cache:
        try:
            cache[link] = expect_shape(client.get_json(link), dict, "Launchpad bug resource")
        except HttpStatusError as err:
            if err.status not in HIDDEN_STATUSES:
                raise CollectorError(withhold_bug_numbers(str(err))) from None
            cache[link] = None
        except CollectorError as err:
            raise CollectorError(withhold_bug_numbers(str(err))) from None
    return cache[link]


def withhold_bug_numbers(message: str) -> str:
    """``message`` with bug numbers in Launchpad URLs replaced: errors end up in the Data page
    (``sources.last_error``), and the bug behind a failing request may be private."""
    return _BUG_NUMBER.sub(lambda m: m.group(1) + "<withheld>", message)


def _batch(rows: list[dict[str, Any]], identities: list[dict[str, Any]]) -> Batch:
    with parsing("Launchpad rows", detail=False):  # no text: a value may come from a private bug
        return Batch(frames={
            "bugs": pl.DataFrame(rows, schema=BUG_SCHEMA),
            "identities": pl.DataFrame(identities, schema=IDENTITY_SCHEMA),
        })
