"""A hand-countable community for the neutrality and governance tests.

Teams: compute (nova) and storage (swift).  Organisations come from email
domains: Acme (a1, a2), Globex (g1), Initech (i1); p1 and p2 use gmail
(independent, each their own organisation in concentration metrics); zuul is
a bot.  Every number the tests assert is counted by hand from these lists.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import polars as pl

from healthdash.warehouse import load, writer
from healthdash.warehouse.identity_load import rebuild_people

EMAILS = {"a1": "a1@acme.com", "a2": "a2@acme.com", "g1": "g1@globex.com", "i1": "i1@initech.com",
          "p1": "p1@gmail.com", "p2": "p2@gmail.com", "zuul": "zuul@ci.example"}

COMMITS = [  # (repo, who, day)
    ("nova", "a1", "2024-01-05"), ("nova", "a1", "2024-01-20"), ("nova", "a1", "2024-02-10"),
    ("nova", "a1", "2024-07-15"), ("nova", "a2", "2024-01-10"), ("nova", "a2", "2024-02-12"),
    ("nova", "g1", "2024-02-01"), ("nova", "g1", "2024-02-15"), ("nova", "g1", "2024-03-01"),
    ("nova", "p1", "2024-01-25"), ("nova", "p2", "2024-10-01"), ("nova", "i1", "2024-03-10"),
    ("nova", "zuul", "2024-01-06"), ("nova", "zuul", "2024-02-06"),
    ("swift", "i1", "2024-02-20"), ("swift", "i1", "2024-09-10"), ("swift", "p1", "2024-08-05"),
]
CHANGES = [  # (key, owner, status, created, submitted)
    ("c1", "a1", "MERGED", "2024-02-01", "2024-02-05"),
    ("c2", "g1", "NEW", "2024-03-01", None),
]
VOTES = [  # (change, reviewer, value, day) -- a1's vote on their own change is not a review
    ("c1", "g1", 2, "2024-02-03"), ("c1", "i1", 1, "2024-02-02"), ("c1", "a1", 2, "2024-02-04"),
    ("c2", "a2", 2, "2024-03-03"), ("c2", "p1", -1, "2024-03-02"),
]


def ts(day: str | None) -> datetime | None:
    return datetime.fromisoformat(day + "T12:00:00").replace(tzinfo=timezone.utc) if day else None


def tables() -> dict[str, pl.DataFrame]:
    who = list(EMAILS)
    return {
        "teams": pl.DataFrame({"name": ["compute", "storage"]}),
        "projects": pl.DataFrame({"name": ["nova", "swift"], "team": ["compute", "storage"]}),
        "repos": pl.DataFrame({"name": ["nova", "swift"], "project": ["nova", "swift"]}),
        "release_cycles": pl.DataFrame({"name": ["2024.1", "2024.2"],
                                        "start_at": [date(2024, 1, 1), date(2024, 4, 1)],
                                        "end_at": [date(2024, 3, 31), date(2024, 9, 30)]}),
        "bot_patterns": pl.DataFrame({"pattern": ["zuul*"]}),
        "org_domains": pl.DataFrame({"domain": ["acme.com", "globex.com", "initech.com"],
                                     "org": ["Acme", "Globex", "Initech"], "origin": ["test"] * 3}),
        "identities": pl.DataFrame({"identity_id": [f"git:{w}" for w in who] + [f"gerrit:{w}" for w in who],
                                    "source": ["git"] * len(who) + ["gerrit"] * len(who),
                                    "name": who * 2, "email": list(EMAILS.values()) * 2}),
        "commits": pl.DataFrame({
            "repo": [r for r, _, _ in COMMITS], "sha": [f"{i:040x}" for i in range(len(COMMITS))],
            "is_merge": [False] * len(COMMITS), "author_identity": [f"git:{w}" for _, w, _ in COMMITS],
            "author_date": [ts(d) for _, _, d in COMMITS],
            "committer_identity": [f"git:{w}" for _, w, _ in COMMITS],
            "commit_date": [ts(d) for _, _, d in COMMITS]}),
        "changes": pl.DataFrame({
            "source": ["gerrit"] * len(CHANGES), "change_key": [c[0] for c in CHANGES], "repo": ["nova"] * len(CHANGES),
            "owner_identity": [f"gerrit:{c[1]}" for c in CHANGES], "status": [c[2] for c in CHANGES],
            "created": [ts(c[3]) for c in CHANGES], "submitted": [ts(c[4]) for c in CHANGES]}),
        "review_votes": pl.DataFrame({
            "source": ["gerrit"] * len(VOTES), "change_key": [v[0] for v in VOTES],
            "reviewer_identity": [f"gerrit:{v[1]}" for v in VOTES], "patch_set": [1] * len(VOTES),
            "label": ["Code-Review"] * len(VOTES), "voted_at": [ts(v[3]) for v in VOTES],
            "value": [v[2] for v in VOTES]}),
    }


def build(path, settings_rows: dict[str, str] | None = None):
    with writer(path) as con:
        for table, frame in tables().items():
            load.upsert(con, table, frame)
        rebuild_people(con)
        for key, value in (settings_rows or {}).items():
            con.execute("INSERT OR REPLACE INTO attribution_settings VALUES (?, ?)", [key, value])
    return path


def build_with_moves(path):
    """``build``, then two affiliation changes written after collection (so the end-of-write
    rebuild must refresh every derived table): a1 (Acme by domain) moves to Globex from
    2024-07-01; zuul (a bot, ci.example unmapped) moves to Acme from 2024-02-01."""
    from healthdash.identity import overrides  # noqa: PLC0415
    from healthdash.warehouse.identity_load import store_imported  # noqa: PLC0415

    build(path)
    with writer(path) as write:
        store_imported(write, overrides.parse("affiliation a1@acme.com Globex from 2024-07-01\n"
                                              "affiliation zuul@ci.example Acme from 2024-02-01", "overrides"),
                       rank=0)
        rebuild_people(write)
    return path
