"""Recorded-style Gerrit and GitHub review APIs over in-memory payloads.

The demo's review part (:mod:`healthdash.demo.reviews`) serves these through the
:class:`~healthdash.demo.server.DemoServer` so ``healthdash demo`` runs the real
collectors over HTTP; the collector tests serve the same handlers from a local
test server.  They answer the queries the collectors send the way the real
services do: Gerrit with the ``)]}'`` prefix, ``after:``/``before:`` (inclusive,
UTC), ``project:`` terms, newest-updated first, ``n``/``S`` paging and
``_more_changes``; GitHub with ``sort=updated&direction=desc``, ``per_page``/
``page`` and a ``Link`` header (``next``/``last``/``prev``/``first``); ``/issues``
with ``state``/``since``/``sort``/``direction``, pull requests included as on GitHub.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import urlencode

Response = tuple[int, Mapping[str, str], bytes]
Handler = Callable[[str, dict[str, list[str]], Mapping[str, str]], Response]

_TIME_TERM = re.compile(r'\b(after|before):"([^"]+)"')
_PROJECT_TERM = re.compile(r"\bproject:([^\s()]+)")


def _gerrit_time(value: str) -> datetime:
    stamp = value.split(".")[0].replace(" +0000", "")
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)


def gerrit_select(changes: list[dict], query: str) -> list[dict]:
    """The changes a Gerrit query matches, newest update first."""
    bounds = {kind: _gerrit_time(value) for kind, value in _TIME_TERM.findall(query)}
    projects = set(_PROJECT_TERM.findall(query))
    chosen = []
    for change in changes:
        updated = _gerrit_time(change["updated"])
        if projects and change["project"] not in projects:
            continue
        if "after" in bounds and updated < bounds["after"]:
            continue
        if "before" in bounds and updated > bounds["before"]:
            continue
        chosen.append(change)
    return sorted(chosen, key=lambda c: (c["updated"], c["_number"]), reverse=True)


def gerrit_handler(changes: list[dict] | Callable[[], list[dict]]) -> Handler:
    """A handler for ``.../changes/`` answering like Gerrit's REST API."""

    def handle(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Response:
        if not path.rstrip("/").endswith("/changes"):
            return 404, {"Content-Type": "text/plain"}, b"Not found\n"
        current = changes() if callable(changes) else changes
        matched = gerrit_select(current, " ".join(query.get("q", [""])))
        size = int(query.get("n", ["500"])[0])
        start = int((query.get("S") or query.get("start") or ["0"])[0])
        page = [dict(c) for c in matched[start:start + size]]
        for change in page:
            change.pop("_more_changes", None)
        if page and start + size < len(matched):
            page[-1]["_more_changes"] = True
        body = ")]}'\n" + json.dumps(page)
        return 200, {"Content-Type": "application/json; charset=UTF-8"}, body.encode()

    return handle


def _link_header(root: str, path: str, query: dict[str, list[str]], page: int, last: int) -> str | None:
    """GitHub's ``Link`` header: next/last after the first page's, prev/first before it."""
    if last <= 1:
        return None
    args = {k: v[0] for k, v in query.items()}

    def url(number: int) -> str:
        return root.rstrip("/") + path + "?" + urlencode(sorted({**args, "page": str(number)}.items()))

    rels = []
    if page < last:
        rels += [(url(page + 1), "next"), (url(last), "last")]
    if page > 1:
        rels += [(url(page - 1), "prev"), (url(1), "first")]
    return ", ".join(f'<{u}>; rel="{r}"' for u, r in rels) or None


def _issues_listing(items: list[dict], query: dict[str, list[str]]) -> list[dict]:
    """``/issues`` filtering and order: ``state`` (default open), ``since`` (updated at or after),
    ``sort`` created|updated (default created), ``direction`` (default desc)."""
    state = query.get("state", ["open"])[0]
    since = query.get("since", [""])[0]
    chosen = [i for i in items if (state == "all" or i["state"] == state) and (not since or i["updated_at"] >= since)]
    key = "updated_at" if query.get("sort", ["created"])[0] == "updated" else "created_at"
    descending = query.get("direction", ["desc"])[0] != "asc"
    return sorted(chosen, key=lambda i: (i[key], i["number"]), reverse=descending)


def github_handler(base_url: Callable[[], str] | str, pulls: Mapping[str, list[dict]],
                   reviews: Mapping[str, Mapping[int, list[dict]]],
                   issues: Mapping[str, list[dict]] | None = None) -> Handler:
    """A handler for ``/repos/{owner}/{repo}`` and its ``pulls[/{n}/reviews]`` and ``issues``
    (``base_url`` builds Link URLs; ``issues`` is read at request time, so a later
    demo part may fill it, and lists pull requests too, as GitHub's does)."""
    issues = {} if issues is None else issues

    def handle(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Response:
        match = re.search(r"/repos/([^/]+/[^/]+?)(?:/(pulls|issues)(?:/(\d+)/reviews)?)?/?$", path)
        repo = match.group(1) if match else None
        if not match or (repo not in pulls and repo not in issues) or (match.group(2) == "issues" and match.group(3)):
            return 404, {"Content-Type": "application/json"}, b'{"message": "Not Found"}'
        out_headers = {"Content-Type": "application/json; charset=utf-8"}
        kind, number = match.group(2), match.group(3)
        if kind is None:
            body = {"full_name": repo, "name": repo.split("/")[1], "private": False,
                    "html_url": f"https://github.com/{repo}", "default_branch": "main", "has_issues": True}
            return 200, out_headers, json.dumps(body).encode()
        if kind == "issues":
            items = _issues_listing(list(issues.get(repo, [])), query)
        elif number is not None:
            items = list(reviews.get(repo, {}).get(int(number), []))
        else:
            items = sorted(pulls.get(repo, []), key=lambda p: (p["updated_at"], p["number"]), reverse=True)
        per_page = max(1, min(100, int(query.get("per_page", ["30"])[0])))
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page: page * per_page]
        root = base_url() if callable(base_url) else base_url
        link = _link_header(root, path, query, page, max(1, -(-len(items) // per_page)))
        if link:
            out_headers["Link"] = link
        return 200, out_headers, json.dumps(chunk).encode()

    return handle
