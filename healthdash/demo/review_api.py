"""Recorded-style Gerrit and GitHub review APIs over in-memory payloads.

The demo's review part (:mod:`healthdash.demo.reviews`) serves these through the
:class:`~healthdash.demo.server.DemoServer` so ``healthdash demo`` runs the real
collectors over HTTP; the collector tests serve the same handlers from a local
test server.  They answer the queries the collectors send the way the real
services do: Gerrit with the ``)]}'`` prefix, ``after:``/``before:`` (inclusive,
UTC), ``project:`` terms, newest-updated first, ``n``/``S`` paging and
``_more_changes``; GitHub with ``sort=updated&direction=desc``, ``per_page``/
``page`` and a ``Link: rel="next"`` header.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Callable, Mapping

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


def github_handler(base_url: Callable[[], str] | str, pulls: Mapping[str, list[dict]],
                   reviews: Mapping[str, Mapping[int, list[dict]]]) -> Handler:
    """A handler for ``/repos/{owner}/{repo}/pulls[/{n}/reviews]`` (``base_url`` builds Link URLs)."""

    def handle(path: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Response:
        match = re.search(r"/repos/([^/]+/[^/]+)/pulls(?:/(\d+)/reviews)?/?$", path)
        if not match or match.group(1) not in pulls:
            return 404, {"Content-Type": "application/json"}, b'{"message": "Not Found"}'
        repo, number = match.group(1), match.group(2)
        if number is not None:
            items = list(reviews.get(repo, {}).get(int(number), []))
        else:
            items = sorted(pulls[repo], key=lambda p: (p["updated_at"], p["number"]), reverse=True)
        per_page = min(100, int(query.get("per_page", ["30"])[0]))
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page: page * per_page]
        out_headers = {"Content-Type": "application/json; charset=utf-8"}
        if page * per_page < len(items):
            root = base_url() if callable(base_url) else base_url
            args = {k: v[0] for k, v in query.items()}
            args["page"] = str(page + 1)
            link = root.rstrip("/") + path + "?" + "&".join(f"{k}={v}" for k, v in sorted(args.items()))
            out_headers["Link"] = f'<{link}>; rel="next"'
        return 200, out_headers, json.dumps(chunk).encode()

    return handle
