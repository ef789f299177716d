"""A small Launchpad REST emulator: bug definitions -> recorded-style API pages.

Used by the demo (``healthdash/demo/bugs.py`` registers it on the DemoServer)
and by the collector tests, so the real Launchpad collector runs over real
HTTP against pages shaped like Launchpad's own (sources-and-formats.md §3).
It implements what the collector relies on, with Launchpad's semantics:

* ``GET <root>/<project>?ws.op=searchTasks``: without ``status=`` only
  unresolved tasks come back; ``omit_duplicates`` defaults to true;
  ``modified_since`` compares the bug's ``date_last_updated``; ``ws.start`` /
  ``ws.size`` page the result and ``next_collection_link`` points at the next page;
* ``GET <root>/bugs/<n>``: the bug resource;
* private bugs are visible only to authenticated requests (``Authorization``
  header), unless ``private_visible=True`` stands in for a privileged account;
  an anonymous request for a private bug resource gets 404, as on Launchpad.

A bug definition is a bug resource (``id``, ``title``, ``information_type``,
``private``, ``security_related``, ``tags``, ``date_created``,
``date_last_updated``, ``duplicate_of``) plus ``tasks``: task fields
(``project``, ``status``, ``importance``, ``date_*``, ``owner``, ``assignee``).
``faults`` maps a path prefix to statuses answered before the real page (429/500 tests);
``hidden`` lists bugs whose resource answers 404 although searches list them (a bug
made private between the search and the fetch).
"""

from __future__ import annotations

import json
from typing import Any, Mapping
from urllib.parse import urlencode

UNRESOLVED = ("New", "Incomplete", "Confirmed", "Triaged", "In Progress", "Fix Committed",
              "Incomplete (with response)", "Incomplete (without response)")
TASK_DATES = ("date_created", "date_triaged", "date_in_progress", "date_fix_committed", "date_fix_released",
              "date_closed", "date_left_new", "date_assigned", "date_confirmed", "date_incomplete",
              "date_left_closed")
PRIVATE_TYPES = ("Private Security", "Private", "Proprietary", "Embargoed")

Response = tuple[int, Mapping[str, str], bytes]


class LaunchpadEmulator:
    """Serve ``bugs`` (definitions, see module docstring) under the API root ``root`` (a URL)."""

    def __init__(self, bugs: list[dict[str, Any]], *, root: str = "", prefix: str = "/devel",
                 private_visible: bool = False, faults: Mapping[str, list[int]] | None = None,
                 hidden: set[int] | None = None, web_root: str | None = None):
        self.bugs = {int(b["id"]): b for b in bugs}
        self.root = root.rstrip("/")
        self.prefix = prefix.rstrip("/")
        self.private_visible = private_visible
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.web_root = web_root.rstrip("/") if web_root else None   # default: next to the API root
        self.hidden = set(hidden or ())     # bug resources that answer 404 even when listed
        self.log: list[str] = []

    # -- routing --------------------------------------------------------------------------------

    def __call__(self, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str]) -> Response:
        self.log.append(path + ("?" + urlencode(query, doseq=True) if query else ""))
        for fault_prefix, statuses in self.faults.items():
            if path.startswith(fault_prefix) and statuses:
                status = statuses.pop(0)
                return status, {"Retry-After": "0", "Content-Type": "text/plain"}, b"try again later"
        authed = self.private_visible or bool(_header(headers, "Authorization"))
        rest = path[len(self.prefix):].strip("/") if path.startswith(self.prefix) else path.strip("/")
        if rest.startswith("bugs/"):
            return self._bug(rest.split("/")[1], authed)
        if (query.get("ws.op") or [""])[0] == "searchTasks":
            return self._search(rest, query, authed)
        return _json(404, {"error": f"no such resource {path}"})

    # -- resources ------------------------------------------------------------------------------

    def _bug(self, number: str, authed: bool) -> Response:
        bug = self.bugs.get(int(number)) if number.isdigit() else None
        if bug is None or (_private(bug) and not authed) or int(number) in self.hidden:
            return _json(404, {"error": "Object: <Bug>, name: '%s'" % number})
        return _json(200, self.bug_resource(bug))

    def bug_resource(self, bug: Mapping[str, Any]) -> dict[str, Any]:
        number = int(bug["id"])
        duplicate = bug.get("duplicate_of")
        return {
            "self_link": f"{self.root}/bugs/{number}", "id": number, "title": bug["title"],
            "description": bug.get("description", ""), "tags": list(bug.get("tags", [])),
            "information_type": bug.get("information_type", "Public"),
            "security_related": bool(bug.get("security_related", False)), "private": _private(bug),
            "date_created": bug["date_created"], "date_last_updated": bug["date_last_updated"],
            "heat": bug.get("heat", 0),
            "duplicate_of_link": f"{self.root}/bugs/{duplicate}" if duplicate else None,
            "cves_collection_link": f"{self.root}/bugs/{number}/cves",
            "resource_type_link": f"{self.root}/#bug",
        }

    def task(self, bug: Mapping[str, Any], task: Mapping[str, Any]) -> dict[str, Any]:
        number, project = int(bug["id"]), task["project"]
        web = self.web_root or self.root.replace("api.", "bugs.").rsplit("/devel", 1)[0]
        entry = {
            "self_link": f"{self.root}/{project}/+bug/{number}",
            "web_link": f"{web}/{project}/+bug/{number}",
            "bug_link": f"{self.root}/bugs/{number}",
            "title": f'Bug #{number} in {project.title()}: "{bug["title"]}"',
            "bug_target_name": project, "target_link": f"{self.root}/{project}",
            "status": task["status"], "importance": task.get("importance", "Undecided"),
            "is_complete": task["status"] not in UNRESOLVED,
            "assignee_link": f"{self.root}/~{task['assignee']}" if task.get("assignee") else None,
            "owner_link": f"{self.root}/~{task.get('owner', bug.get('owner', 'anonymous'))}",
            "milestone_link": None,
            "related_tasks_collection_link": f"{self.root}/{project}/+bug/{number}/related_tasks",
            "resource_type_link": f"{self.root}/#bug_task",
        }
        entry.update({field: task.get(field) for field in TASK_DATES})
        entry["date_created"] = task.get("date_created", bug["date_created"])
        return entry

    def _search(self, project: str, query: Mapping[str, list[str]], authed: bool) -> Response:
        statuses = set(query.get("status") or UNRESOLVED)
        omit_duplicates = (query.get("omit_duplicates") or ["true"])[0].lower() != "false"
        since = (query.get("modified_since") or [None])[0]
        start = int((query.get("ws.start") or ["0"])[0])
        size = int((query.get("ws.size") or ["75"])[0])
        found = [(bug, task) for bug in sorted(self.bugs.values(), key=lambda b: int(b["id"]))
                 for task in bug.get("tasks", [])
                 if task["project"] == project and task["status"] in statuses
                 and (authed or not _private(bug))
                 and not (omit_duplicates and bug.get("duplicate_of"))
                 and (since is None or _after(bug["date_last_updated"], since))]
        page = {"start": start, "total_size": len(found),
                "entries": [self.task(b, t) for b, t in found[start:start + size]],
                "resource_type_link": f"{self.root}/#bug_task-page-resource"}
        if start + size < len(found):
            params = [(k, v) for k, vs in query.items() if k != "ws.start" for v in vs] + [("ws.start", start + size)]
            page["next_collection_link"] = f"{self.root}/{project}?{urlencode(params)}"
        if start > 0:
            params = [(k, v) for k, vs in query.items() if k != "ws.start" for v in vs]
            previous = params + [("ws.start", max(0, start - size))]
            page["prev_collection_link"] = f"{self.root}/{project}?{urlencode(previous)}"
        return _json(200, page)


def _private(bug: Mapping[str, Any]) -> bool:
    return bool(bug.get("private")) or bug.get("information_type") in PRIVATE_TYPES


def _after(updated: str, since: str) -> bool:
    from datetime import datetime
    return datetime.fromisoformat(updated) >= datetime.fromisoformat(since)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def _json(status: int, payload: Any) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode("utf-8")
