"""GitHub REST -> pull requests and their reviews, on the same tables as Gerrit.

Transport is :mod:`collectors.http` (``Link: rel="next"`` paging, rate-limit
sleeps, ETag cache with ``cache_dir``); this module maps payloads to rows:

* a pull request is a change: ``status`` MERGED (``merged_at`` set, or
  ``merged: true`` - then ``submitted`` falls back to ``closed_at``), ABANDONED
  (closed without merge) or NEW; ``submitted`` = ``merged_at``; drafts,
  ``author_association``, ``merge_commit_sha`` (as ``merge_sha``) and the head
  sha, which link merged pull requests to commits;
* a review is a ``Code-Review`` vote: APPROVED -> +2 (an approval),
  CHANGES_REQUESTED -> -1, COMMENTED and DISMISSED -> 0, PENDING skipped; bots
  (``[bot]`` logins, ``type: Bot``) are CI.  Each review is also a message, so
  time to first review sees comment-only reviews.  A review whose author was
  deleted (``"user": null``) is kept under GitHub's own ``ghost`` identity.

Incremental by ``updated_at``: pulls are listed newest-updated first and the
listing stops at ``through - overlap``; the cursor ``{"through": T}`` is written
only after every repository finished, so an interrupted run repeats its window.

Shared helpers (:func:`client_for`, :func:`parse_time`, :func:`user_identity`,
:func:`repositories`, :func:`read_through`) are public so the GitHub issues
collector reuses them.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Mapping

from collectors.base import Batch, CollectorError, SourceSpec, expect_objects, parsing
from collectors.http import ETagCache, HttpClient, HttpStatusError
from collectors.raw import raw_frame
from collectors.review_rows import ReviewRows, identity_row

SOURCE = "github"
VERSION = "1"
CATEGORY = "pull_request"
API_URL = "https://api.github.com"
DEFAULT_OVERLAP_MINUTES = 60
#: GitHub shows deleted accounts as the user ``ghost``; their reviews keep this identity.
GHOST = {"login": "ghost", "id": 10137, "name": "Ghost (deleted account)"}
REVIEW_VALUES = {"APPROVED": 2, "CHANGES_REQUESTED": -1, "COMMENTED": 0, "DISMISSED": 0}


def client_for(spec: SourceSpec, progress: Callable[..., None] | None = None) -> HttpClient:
    """The one HTTP client configured for a GitHub source (API root defaults to api.github.com)."""
    options = spec.options
    cache = ETagCache(options["cache_dir"]) if options.get("cache_dir") else None
    return HttpClient.from_options(spec.location or API_URL, options, progress=progress, cache=cache,
                                   extra_headers={"Accept": "application/vnd.github+json",
                                                  "X-GitHub-Api-Version": "2022-11-28"})


def repositories(spec: SourceSpec) -> list[str]:
    """``owner/name`` of every repository the source lists (``repos`` or ``repo``)."""
    names = list(spec.options.get("repos") or []) + ([spec.options["repo"]] if spec.options.get("repo") else [])
    bad = [n for n in names if not isinstance(n, str) or n.count("/") != 1]
    if not names or bad:
        raise CollectorError(f"{spec.source_id}: GitHub source needs repos as 'owner/name' "
                             f"(got {bad[0] if bad else 'none'!r})")
    return names


def parse_time(value: str | None) -> datetime | None:
    """GitHub's ``2024-03-01T09:15:02Z`` as an aware UTC datetime."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        raise CollectorError(f"bad GitHub timestamp {value!r}") from None


def user_identity(user: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An ``identities`` row for a GitHub user object (keyed by its numeric id)."""
    if not user or not user.get("login"):
        return None
    return identity_row(SOURCE, account_id=user.get("id") or user["login"], username=user["login"],
                        name=user.get("name"), email=user.get("email"))


def is_bot(user: Mapping[str, Any] | None) -> bool:
    return bool(user) and (user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]"))


def read_through(since: str | None) -> datetime | None:
    """The time every item updated before is known to be collected (cursor JSON or an ISO date)."""
    if not since:
        return None
    text = since.strip()
    try:
        value = json.loads(text).get("through") if text.startswith("{") else text
        if not value:
            return None
        moment = datetime.fromisoformat(value)
    except (ValueError, AttributeError):
        raise CollectorError(f"cursor {since!r} is neither a GitHub cursor nor an ISO date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# -- rows -----------------------------------------------------------------------------------------

def pull_key(repo: str, pull: Mapping[str, Any]) -> str:
    """``owner/name#N``: the pull request's key in ``changes`` and its raw item id."""
    return f"{repo}#{pull['number']}"


def parse_pulls(payloads: list[Mapping[str, Any]], fetched_at: datetime | None = None) -> ReviewRows:
    """Review rows for ``{"repo", "pull", "reviews"}`` payloads (live collection and rebuild alike)."""
    rows = ReviewRows(fetched_at)
    for index, payload in enumerate(payloads):
        with parsing(f"GitHub pull request {index + 1} of the page"):
            add_pull(rows, payload["repo"], payload["pull"], payload.get("reviews") or [])
    return rows


def rebuild(spec: SourceSpec, payloads: list[Mapping[str, Any]], *,
            fetched_at: datetime | None = None) -> Iterator[Batch]:
    """Stored pull request payloads -> the typed frames the live path built (newest-updated first)."""
    ordered = sorted(payloads, key=lambda p: str(p["pull"].get("updated_at") or ""), reverse=True)
    yield Batch(parse_pulls(ordered, fetched_at).frames())


def add_pull(rows: ReviewRows, repo: str, pull: Mapping[str, Any], reviews: list[Mapping[str, Any]]) -> None:
    key = pull_key(repo, pull)
    owner = user_identity(pull.get("user"))
    owner_id = rows.identity(owner) if owner else None
    merged = parse_time(pull.get("merged_at"))
    if merged is None and pull.get("merged") is True:  # some payloads say merged without a time
        merged = parse_time(pull.get("closed_at")) or parse_time(pull.get("updated_at"))
    is_merged = merged is not None or pull.get("merged") is True
    status = "MERGED" if is_merged else ("ABANDONED" if pull.get("state") == "closed" else "NEW")
    rows.changes.append({
        "source": SOURCE, "change_key": key, "repo": repo, "number": pull["number"], "change_id": None,
        "owner_identity": owner_id, "branch": (pull.get("base") or {}).get("ref"), "status": status,
        "created": parse_time(pull.get("created_at")), "updated": parse_time(pull.get("updated_at")),
        "submitted": merged, "patch_sets": None, "subject": pull.get("title"),
        "merge_sha": pull.get("merge_commit_sha") if is_merged else None, "is_draft": bool(pull.get("draft")),
        "author_association": pull.get("author_association"), "head_sha": (pull.get("head") or {}).get("sha"),
    })
    for review in reviews:
        add_review(rows, key, review)


def add_review(rows: ReviewRows, key: str, review: Mapping[str, Any]) -> None:
    state = review.get("state")
    submitted = parse_time(review.get("submitted_at"))
    who = user_identity(review.get("user") or GHOST)
    if state not in REVIEW_VALUES or submitted is None or who is None:
        return
    reviewer = rows.identity(who)
    ci = is_bot(review.get("user"))
    rows.votes.append({"source": SOURCE, "change_key": key, "reviewer_identity": reviewer, "patch_set": 0,
                       "label": "Code-Review", "voted_at": submitted, "value": REVIEW_VALUES[state], "is_ci": ci})
    rows.messages.append({"source": SOURCE, "change_key": key, "message_id": str(review.get("id")),
                          "author_identity": reviewer, "posted_at": submitted, "patch_set": None, "is_ci": ci,
                          "is_recheck": False, "tag": f"github:review:{state.lower()}"})


# -- the collector ------------------------------------------------------------------------------

def collect(spec: SourceSpec, since: str | None, progress: Callable[..., None] | None = None) -> Iterator[Batch]:
    """Yield one Batch per page of pull requests (with their reviews) updated since the cursor."""
    repos = repositories(spec)
    report = progress or (lambda advance=0, message=None: None)
    overlap = timedelta(minutes=int(spec.options.get("overlap_minutes", DEFAULT_OVERLAP_MINUTES)))
    through = read_through(since)
    cutoff = through - overlap if through else None
    started = datetime.now(timezone.utc)
    per_page = min(100, int(spec.options.get("page_size", 100)))
    with client_for(spec, progress) as client:
        for repo in repos:
            yield from _repository(client, spec.source_id, repo, cutoff, per_page, report)
    yield Batch({}, cursor=json.dumps({"through": started.isoformat()}))


def _repository(client: HttpClient, source_id: str, repo: str, cutoff: datetime | None, per_page: int,
                report: Callable[..., None]) -> Iterator[Batch]:
    params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": per_page}
    for reply in client.link_pages(f"repos/{repo}/pulls", params):
        expect_objects(reply.data, f"{source_id}: {client.safe_url(reply.url)}")
        fresh = [p for p in reply.data if cutoff is None or (parse_time(p.get("updated_at")) or cutoff) >= cutoff]
        payloads = [{"repo": repo, "pull": pull, "reviews": _reviews(client, repo, pull["number"])}
                    for pull in fresh]
        rows = parse_pulls(payloads)
        report(len(fresh), message=f"{repo}: {len(fresh)} pull requests")
        yield Batch({**rows.frames(), "raw_items": raw_frame(source_id, VERSION, rows.fetched_at, [
            (CATEGORY, pull_key(p["repo"], p["pull"]), parse_time(p["pull"].get("updated_at")), p)
            for p in payloads])})
        if len(fresh) < len(reply.data):
            return


def _reviews(client: HttpClient, repo: str, number: int) -> list[dict]:
    """Every review of one pull request; none when the pull request is gone (404/410)."""
    found: list[dict] = []
    try:
        for reply in client.link_pages(f"repos/{repo}/pulls/{number}/reviews", {"per_page": 100}):
            found.extend(expect_objects(reply.data, client.safe_url(reply.url)))
    except HttpStatusError as err:
        if err.status not in (404, 410):
            raise
    return found
