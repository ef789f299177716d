"""A small, hand-checkable bug and advisory warehouse for the bug, security and leak tests.

Every date is midnight UTC so day counts are whole.  Private bugs (E, J) carry
marker strings in every text field a careless query could show; the tests
assert those never come out.  The numbers each metric should give are worked
out by hand in the test files, from the table in :data:`BUGS`.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl

from healthdash.warehouse import writer
from healthdash.warehouse.load import replace_table, upsert

MARKER = "EMBARGO-MARKER"
PRIVATE_NUMBERS = ("7391505", "7391510")      # bug numbers of E and J: never shown either


def ts(day: str | None) -> datetime | None:
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc) if day else None


#  name  project  number   status          importance  security private created     left_new    fix_committed fix_released closed      assignee  dup
BUGS = [
    ("A", "example", "1",  "Fix Released", "High",     True,  False, "2024-01-01", "2024-01-02", "2024-01-11", "2024-02-01", "2024-02-01", "dev-a", None),
    ("B", "example", "2",  "Fix Released", "Medium",   True,  False, "2024-01-10", "2024-01-13", None,         "2024-02-09", "2024-02-09", "dev-a", None),
    ("C", "example", "3",  "Invalid",      "Low",      True,  False, "2024-02-01", "2024-02-02", None,         None,         "2024-02-05", None,    None),
    ("D", "example", "4",  "In Progress",  "Critical", True,  False, "2024-03-01", None,         None,         None,         None,         None,    None),
    ("E", "example", PRIVATE_NUMBERS[0], "New", "High", True, True,  "2024-03-21", None,         None,         None,         None,         None,    None),
    ("F", "other",   "6",  "Fix Committed", "Medium",  True,  False, "2024-02-15", "2024-02-25", "2024-03-06", None,         None,         "dev-b", None),
    ("G", "example", "7",  "New",          "High",     False, False, "2024-01-15", None,         None,         None,         None,         None,    None),
    ("H", "example", "8",  "Confirmed",    "High",     False, False, "2024-02-20", "2024-02-22", None,         None,         None,         None,    None),
    ("I", "example", "9",  "New",          "High",     False, False, "2024-02-21", None,         None,         None,         None,         None,    "7"),
    ("J", "example", PRIVATE_NUMBERS[1], "Fix Released", "High", True, True, "2024-01-20", "2024-01-21", "2024-02-19", "2024-02-20", "2024-02-20", "dev-a", None),
    ("K", "other",   "11", "Triaged",      None,       True,  False, "2024-03-11", None,         None,         None,         None,         None,    None),
    ("L", "example", "12", "Fix Committed", "High",    True,  False, "2023-10-01", "2023-10-02", "2023-10-05", None,         None,         None,    None),
]
# D is triaged through date_triaged (no date_left_new): 2024-03-04.
TRIAGED = {"D": "2024-03-04"}

ADVISORIES = [
    ("OSSA-2023-010", "2023-12-01", "Example leaks tokens", ["example"], ["CVE-2023-1"], ["12"]),
    ("OSSA-2024-001", "2024-02-15", "Example and Other accept bad input", ["example", "other"],
     ["CVE-2024-1", "CVE-2024-2"], ["1", "2"]),
    ("OSSA-2024-002", "2024-03-20", "Widgetlib crash", ["widgetlib"], [], [PRIVATE_NUMBERS[1]]),
    ("OSSA-2024-003", "2024-04-10", "After the window", ["example"], ["CVE-2024-9"], []),
]
REPORTERS = [("OSSA-2023-010", "Rae One", "Vendor A"), ("OSSA-2024-001", "Rae One", "Vendor A"),
             ("OSSA-2024-001", "Sam Two", None), ("OSSA-2024-002", "Tia Three", "Vendor B"),
             ("OSSA-2024-003", "Tia Three", "Vendor B")]


def identity(username: str) -> str:
    return f"lp-{username}"


def bug_frame() -> pl.DataFrame:
    rows = []
    for (name, project, number, status, importance, security, private, created, left_new, committed,
         released, closed, assignee, dup) in BUGS:
        rows.append({
            "source": "launchpad", "bug_key": f"{project}/{number}", "bug_id": number, "project": project,
            "title": None if private else f"Bug {name} title",
            "status": status, "importance": importance, "created": ts(created), "left_new": ts(left_new),
            "triaged": ts(TRIAGED.get(name)), "fix_committed": ts(committed), "fix_released": ts(released),
            "closed": ts(closed), "updated": ts(created), "is_security": security, "is_private": private,
            "information_type": ("Private Security" if private else "Public Security" if security else "Public"),
            "reporter_identity": identity("reporter"), "assignee_identity": identity(assignee) if assignee else None,
            "tags": None if private else ["fixture"],
            "web_link": None if private else f"https://bugs.launchpad.net/{project}/+bug/{number}",
            "duplicate_of": dup,
        })
    return pl.DataFrame(rows)


def private_details_frame() -> pl.DataFrame:
    """The private bugs as if collected with ``include_private``: titles and links stored.

    Even then nothing may show them; the leak test loads this variant.
    """
    frame = bug_frame().filter(pl.col("is_private"))
    return frame.with_columns(
        title=pl.lit(f"{MARKER} remote code execution"),
        web_link=pl.concat_str([pl.lit(f"https://bugs.launchpad.net/{MARKER}/+bug/"), pl.col("bug_id")]),
        tags=pl.lit([f"{MARKER}-tag"]),
    )


def build(db: Path, *, count_private: bool = False, private_details: bool = False) -> Path:
    """Write the fixture warehouse at ``db`` and return it."""
    with writer(db) as con:
        replace_table(con, "teams", pl.DataFrame({"name": ["Compute", "Storage"], "description": ["", ""]}))
        replace_table(con, "projects", pl.DataFrame({"name": ["example", "other"], "team": ["Compute", "Storage"]}))
        replace_table(con, "repos", pl.DataFrame({"name": ["example-server", "other-server"],
                                                  "project": ["example", "other"],
                                                  "url": [None, None], "is_common_library": [False, False]},
                                                 schema={"name": pl.String, "project": pl.String, "url": pl.String,
                                                         "is_common_library": pl.Boolean}))
        upsert(con, "identities", pl.DataFrame({
            "identity_id": [identity(u) for u in ("reporter", "dev-a", "dev-b")], "source": ["launchpad"] * 3,
            "username": ["reporter", "dev-a", "dev-b"],
            "email": ["reporter@mail.example", "dev-a@vendor-a.example", "dev-b@vendor-b.example"]}))
        upsert(con, "org_domains", pl.DataFrame({"domain": ["vendor-a.example", "vendor-b.example"],
                                                 "org": ["Vendor A", "Vendor B"], "origin": ["config"] * 2}))
        upsert(con, "bugs", bug_frame())
        if private_details:
            upsert(con, "bugs", private_details_frame())
        upsert(con, "advisories", pl.DataFrame(
            [{"advisory_id": a, "published": date.fromisoformat(d), "title": t, "projects": p, "cves": c,
              "bug_keys": b} for a, d, t, p, c, b in ADVISORIES],
            schema={"advisory_id": pl.String, "published": pl.Date, "title": pl.String,
                    "projects": pl.List(pl.String), "cves": pl.List(pl.String), "bug_keys": pl.List(pl.String)}))
        upsert(con, "cves", pl.DataFrame([{"advisory_id": a, "cve_id": c} for a, _, _, _, cs, _ in ADVISORIES
                                          for c in cs]))
        upsert(con, "advisory_reporters", pl.DataFrame(
            [{"advisory_id": a, "reporter": r, "affiliation": f} for a, r, f in REPORTERS],
            schema={"advisory_id": pl.String, "reporter": pl.String, "affiliation": pl.String}))
        replace_table(con, "privacy_policy", pl.DataFrame({"name": ["count_private_in_aggregates"],
                                                           "enabled": [count_private]}))
    return db
