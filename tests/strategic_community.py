"""A hand-countable community for the strategic-contributions and scorecard tests.

Teams: compute (nova) and libs (oslo.config, a common library).  People: a1, a2
(Acme, by domain), g1 (Globex), p1 (gmail: independent), zuul (a bot).  Every
number the tests assert is counted by hand from the lists below; the counts are
written out in tests/test_strategic.py.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import polars as pl

from healthdash.warehouse import load, writer
from healthdash.warehouse.identity_load import rebuild_people

EMAILS = {"a1": "a1@acme.com", "a2": "a2@acme.com", "g1": "g1@globex.com", "p1": "p1@gmail.com",
          "zuul": "zuul@ci.example"}

COMMITS = [  # (repo, who, day, {path: (added, removed)})
    ("nova", "a1", "2024-01-10", {"nova/compute.py": (30, 10), "nova/tests/test_compute.py": (50, 10)}),
    ("nova", "a2", "2024-02-10", {"nova/api.py": (20, 0)}),
    ("oslo.config", "a1", "2024-02-15", {"oslo_config/cfg.py": (5, 5), "oslo_config/tests/test_cfg.py": (10, 0)}),
    ("nova", "g1", "2024-03-01", {"doc/source/user/support-matrix.ini": (4, 4)}),
    ("nova", "p1", "2024-04-10", {"conftest.py": (10, 0)}),
    ("nova", "zuul", "2024-01-20", {"nova/tests/test_x.py": (100, 0)}),
]
CHANGES = [  # (key, number, repo, owner, status, created, submitted)
    ("nova~101", 101, "nova", "a1", "MERGED", "2024-01-05", "2024-01-12"),
    ("nova~102", 102, "nova", "g1", "MERGED", "2024-02-25", "2024-03-02"),   # the advisory's fix
    ("oslo.config~103", 103, "oslo.config", "a1", "NEW", "2024-02-14", None),
]
VOTES = [  # (change, reviewer, value, day)
    ("nova~101", "g1", 2, "2024-01-11"), ("nova~101", "a2", 1, "2024-01-10"),
    ("nova~102", "a1", 1, "2024-02-27"), ("nova~102", "p1", -1, "2024-02-28"),
    ("oslo.config~103", "a2", 1, "2024-02-16"), ("oslo.config~103", "p1", 1, "2024-02-17"),
]
MESSAGES = [  # (change, author, posted): first responses 48 h, 12 h and 72 h after creation
    ("nova~101", "g1", "2024-01-07T12:00:00"), ("nova~102", "a1", "2024-02-26T00:00:00"),
    ("oslo.config~103", "a2", "2024-02-17T12:00:00"),
]
BUGS = [  # (key, project, reporter, created, assignee, status, fixed, is_security)
    ("1", "nova", "g1", "2024-01-01", "a2", "Fix Committed", "2024-02-01", False),
    ("2", "nova", "p1", "2024-02-01", "g1", "Fix Released", "2024-03-05", True),
    ("3", "oslo.config", "a1", "2024-03-01", None, "New", None, False),
]


def ts(day: str | None) -> datetime | None:
    return datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=timezone.utc) if day else None


def tables(*, feature_matrix: bool = False) -> dict[str, pl.DataFrame]:
    who = list(EMAILS)
    files = [(repo, f"{i:040x}", path, a, r) for i, (repo, _, _, paths) in enumerate(COMMITS)
             for path, (a, r) in paths.items()]
    frames = {
        "teams": pl.DataFrame({"name": ["compute", "libs"]}),
        "projects": pl.DataFrame({"name": ["nova", "oslo.config"], "team": ["compute", "libs"]}),
        "repos": pl.DataFrame({"name": ["nova", "oslo.config"], "project": ["nova", "oslo.config"],
                               "is_common_library": [False, True]}),
        "release_cycles": pl.DataFrame({"name": ["2024.1", "2024.2"],
                                        "start_at": [date(2024, 1, 1), date(2024, 4, 1)],
                                        "end_at": [date(2024, 3, 31), date(2024, 9, 30)]}),
        "bot_patterns": pl.DataFrame({"pattern": ["zuul*"]}),
        "org_domains": pl.DataFrame({"domain": ["acme.com", "globex.com"], "org": ["Acme", "Globex"],
                                     "origin": ["test"] * 2}),
        "identities": pl.DataFrame({
            "identity_id": [f"{s}:{w}" for s in ("git", "gerrit", "lp") for w in who],
            "source": [s for s in ("git", "gerrit", "launchpad") for _ in who],
            "name": who * 3, "email": list(EMAILS.values()) * 3}),
        "commits": pl.DataFrame({
            "repo": [c[0] for c in COMMITS], "sha": [f"{i:040x}" for i in range(len(COMMITS))],
            "is_merge": [False] * len(COMMITS), "author_identity": [f"git:{c[1]}" for c in COMMITS],
            "author_date": [ts(c[2]) for c in COMMITS], "committer_identity": [f"git:{c[1]}" for c in COMMITS],
            "commit_date": [ts(c[2]) for c in COMMITS],
            "change_id": ["I101"] + [None] * (len(COMMITS) - 1)}),      # commit #1 landed through 101
        "commit_files": pl.DataFrame({"repo": [f[0] for f in files], "sha": [f[1] for f in files],
                                      "path": [f[2] for f in files], "added": [f[3] for f in files],
                                      "removed": [f[4] for f in files]}),
        "changes": pl.DataFrame({
            "source": ["gerrit"] * len(CHANGES), "change_key": [c[0] for c in CHANGES],
            "number": [c[1] for c in CHANGES], "repo": [c[2] for c in CHANGES],
            "owner_identity": [f"gerrit:{c[3]}" for c in CHANGES], "status": [c[4] for c in CHANGES],
            "created": [ts(c[5]) for c in CHANGES], "submitted": [ts(c[6]) for c in CHANGES],
            "change_id": ["I101", "I102", "I103"]}),
        "review_messages": pl.DataFrame({
            "source": ["gerrit"] * len(MESSAGES), "change_key": [m[0] for m in MESSAGES],
            "message_id": [f"m{i}" for i in range(len(MESSAGES))],
            "author_identity": [f"gerrit:{m[1]}" for m in MESSAGES],
            "posted_at": [datetime.fromisoformat(m[2]).replace(tzinfo=timezone.utc) for m in MESSAGES]}),
        "review_votes": pl.DataFrame({
            "source": ["gerrit"] * len(VOTES), "change_key": [v[0] for v in VOTES],
            "reviewer_identity": [f"gerrit:{v[1]}" for v in VOTES], "patch_set": [1] * len(VOTES),
            "label": ["Code-Review"] * len(VOTES), "voted_at": [ts(v[3]) for v in VOTES],
            "value": [v[2] for v in VOTES]}),
        "bugs": pl.DataFrame({
            "source": ["launchpad"] * len(BUGS), "bug_key": [b[0] for b in BUGS], "bug_id": [b[0] for b in BUGS],
            "project": [b[1] for b in BUGS], "reporter_identity": [f"lp:{b[2]}" for b in BUGS],
            "created": [ts(b[3]) for b in BUGS],
            "assignee_identity": [f"lp:{b[4]}" if b[4] else None for b in BUGS],
            "status": [b[5] for b in BUGS],
            "fix_committed": [ts(b[6]) if b[5] == "Fix Committed" else None for b in BUGS],
            "fix_released": [ts(b[6]) if b[5] == "Fix Released" else None for b in BUGS],
            "is_security": [b[7] for b in BUGS], "is_private": [False] * len(BUGS)}),
        "advisories": pl.DataFrame({"advisory_id": ["OSSA-2024-001"], "published": [date(2024, 3, 10)],
                                    "projects": [["nova"]], "cves": [["CVE-2024-0001"]], "bug_keys": [["2"]],
                                    "reviews": [["https://review.example.org/c/102"]]}),
    }
    if feature_matrix:
        frames["feature_matrix"] = pl.DataFrame({"matrix": ["nova"], "feature": ["resize"],
                                                 "target": ["libvirt"], "status": ["complete"]})
    return frames


def build(path, *, feature_matrix: bool = False, settings_rows: dict[str, str] | None = None):
    with writer(path) as con:
        for table, frame in tables(feature_matrix=feature_matrix).items():
            load.upsert(con, table, frame)
        rebuild_people(con)
        for key, value in (settings_rows or {}).items():
            con.execute("INSERT OR REPLACE INTO attribution_settings VALUES (?, ?)", [key, value])
    return path
