"""Warehouse benchmark: attribution at query time, and the cost of the staging swap.

Builds a synthetic warehouse (default 1,000,000 commits by 20,000 identities
over 400 email domains, 60 orgs, and 250,000 review changes, three in four
merged) with DuckDB's own generators, then times in the same process:

* baseline: monthly commit counts straight from ``commits`` (no attribution);
* the same counts by organisation through the ``contributions`` view (identity ->
  person -> affiliation/domain at the commit's date), top 10 + Others;
* a writer session (copy to staging, rebuild derived tables, swap back), against
  a plain file copy of the same warehouse, and each derived table's rebuild
  (``contribution_facts``; ``change_owner_orgs``, the change owners' organisations).

Prints medians and the ratios.  Usage: python benchmarks/bench_warehouse.py [--commits N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

from healthdash.warehouse import reader, writer

BASELINE = """
SELECT date_trunc('month', author_date) AS month, count(*) FROM commits WHERE NOT is_merge GROUP BY 1
"""
BY_ORG = """
WITH c AS (SELECT date_trunc('month', ts) AS month, org FROM contributions_in(NULL,NULL,NULL,NULL,NULL,NULL,['commit'],false)),
top AS (SELECT org FROM c GROUP BY org ORDER BY count(*) DESC LIMIT 10)
SELECT month, CASE WHEN org IN (SELECT org FROM top) THEN org ELSE 'Others' END AS org, count(*)
FROM c GROUP BY ALL
"""


def build(path: Path, commits: int, people: int, changes: int = 0) -> None:
    with writer(path) as con:
        con.execute(f"""
        INSERT INTO identities SELECT 'i' || i, 'git', 'Person ' || i,
               'p' || i || '@' || CASE WHEN i % 5 = 0 THEN 'mail.example' ELSE 'd' || (i % 400) || '.example' END,
               NULL, NULL FROM range({people}) t(i);
        INSERT INTO org_domains (domain, org, origin) SELECT 'd' || d || '.example', 'Org ' || (d % 60), 'bench'
               FROM range(400) t(d);
        INSERT INTO affiliations (person_id, org, valid_from, valid_to, origin)
               SELECT 'email:p' || i || '@d' || (i % 400) || '.example', 'Org ' || ((i + 7) % 60), DATE '2020-01-01',
                      DATE '2022-01-01', 'bench' FROM range(0, {people}, 3) t(i) WHERE i % 5 <> 0;
        INSERT INTO commits (repo, sha, is_merge, author_identity, author_date, committer_identity, commit_date)
               SELECT 'repo' || (i % 50), 'sha' || i, i % 40 = 0, 'i' || ((i * 7919) % {people}),
                      TIMESTAMPTZ '2018-01-01' + to_seconds(i * 150), 'i0', TIMESTAMPTZ '2018-01-01' + to_seconds(i * 150)
               FROM range({commits}) t(i);
        INSERT INTO changes (source, change_key, repo, owner_identity, status, created, submitted)
               SELECT 'gerrit', 'c' || i, 'repo' || (i % 50), 'i' || ((i * 7919) % {people}),
                      CASE WHEN i % 4 = 0 THEN 'NEW' ELSE 'MERGED' END,
                      TIMESTAMPTZ '2018-01-01' + to_seconds(i * 600),
                      TIMESTAMPTZ '2018-01-01' + to_seconds(i * 600 + 86400)
               FROM range({changes}) t(i);
        """)


def derived_ms(path: Path) -> dict[str, float]:
    """Each derived table's rebuild, timed inside one writer session."""
    folder = resources.files("healthdash.warehouse").joinpath("derived")
    times = {}
    with writer(path) as con:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".sql"):
                start = time.perf_counter()
                con.execute(entry.read_text("utf-8"))
                times[entry.name] = (time.perf_counter() - start) * 1000
    return times


def median_ms(con, sql: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        con.execute(sql).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--changes", type=int, default=250_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        start = time.perf_counter()
        build(path, args.commits, args.people, args.changes)
        print(f"built {args.commits:,} commits / {args.people:,} identities / {args.changes:,} changes "
              f"in {time.perf_counter() - start:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB)")
        with reader(path) as con:
            base = median_ms(con, BASELINE)
            attributed = median_ms(con, BY_ORG)
        print(f"monthly commits, no attribution      : {base:8.1f} ms (baseline)")
        print(f"monthly commits by org, top 10+Others: {attributed:8.1f} ms  ratio {attributed / base:.1f}x")
        start = time.perf_counter()
        shutil.copyfile(path, Path(tmp) / "copy.duckdb")
        copy_s = time.perf_counter() - start
        start = time.perf_counter()
        with writer(path):
            pass
        swap_s = time.perf_counter() - start
        print(f"plain file copy                      : {copy_s * 1000:8.1f} ms (baseline)")
        print(f"writer: staging copy + rebuild derived tables + swap: {swap_s * 1000:8.1f} ms  "
              f"ratio {swap_s / copy_s:.1f}x (the rebuild of contribution_facts dominates)")
        for name, ms in derived_ms(path).items():
            print(f"  rebuild derived/{name:<24}: {ms:8.1f} ms")


if __name__ == "__main__":
    main()
