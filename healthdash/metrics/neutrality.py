"""Company-neutral participation and governance metrics (issue 3).

Metrics layer (no Dash): each function binds the global filters to one
``sql/neutrality_*.sql`` or ``sql/governance_*.sql`` query over
``contributions_in(...)`` and returns the polars frame the Participation page
plots, the CLI prints and exports write.  Conventions shared by all of them:

* independents are one "Independent" group in share charts, but each
  independent person is their own organisation in concentration metrics
  (``org_unit``), as the community's own tooling counted them;
* bots are excluded unless the filters include them;
* governance thresholds and window come from the config's ``[governance]``
  (copied to ``attribution_settings`` at each rebuild), defaults otherwise.
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters

#: Organisations named in the share-over-time chart before the rest become "Others".
SHARES_TOP_N = 8
#: Organisations listed per team and release cycle.
DEPENDENCE_TOP_N = 3


def org_shares(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """kind, org, contributions, people, share (of the kind's total); Independent as one group."""
    return run(con, "neutrality_org_shares", filters)


def org_shares_monthly(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                       *, top_n: int = SHARES_TOP_N) -> pl.DataFrame:
    """month, org (top N + Others + Independent), contributions, share of the month."""
    return run(con, "neutrality_org_monthly", filters, top_n=top_n)


def concentration(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per kind and 'all': elephant factor, top-1/top-2 share, HHI, effective orgs, independent share."""
    return run(con, "neutrality_concentration", filters)


def pony_factor(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per kind and 'all': people, pony factor (fewest people with >= 50%), top person's share."""
    return run(con, "neutrality_pony_factor", filters)


def concentration_trend(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month, contributions, elephant_factor, hhi, effective_orgs, top1_share, independent_share."""
    return run(con, "neutrality_trend", filters)


def new_contributors(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """month, new_contributors, retained (active 6-8 months later), retention (NULL until known)."""
    return run(con, "neutrality_new_contributors", filters)


def team_dependence(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                    *, top_n: int = DEPENDENCE_TOP_N) -> pl.DataFrame:
    """team, cycle, rank, org, contributions, share, previous_share, change (per release cycle)."""
    return run(con, "neutrality_team_dependence", filters, top_n=top_n)


def team_table(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row per team: contributions, people, organisations, elephant, top shares, HHI, pony, independents."""
    return run(con, "neutrality_team_table", filters)


def org_detail(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
               *, org: str | None = None) -> pl.DataFrame:
    """One organisation's contributions by team and kind (``org`` or the filters' extra ``org``)."""
    org = org or (filters.org[0] if filters and filters.org else None)
    return run(con, "neutrality_org_detail", filters, org=org)


def org_totals(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """org, contributions, share, people, top_person_id, top_person: the drill-down entry points."""
    return run(con, "neutrality_org_totals", filters)


def org_people(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
               *, org: str | None = None) -> pl.DataFrame:
    """The people behind one organisation's contributions: person, contributions, teams, first/last day."""
    org = org or (filters.org[0] if filters and filters.org else None)
    return run(con, "neutrality_org_people", filters, org=org)


def person_attribution(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                       *, person: str | None = None) -> pl.DataFrame:
    """One person's contributions by organisation, rule and source line (``person`` = person id)."""
    person = person or (filters.extra.get("id") if filters else None)
    return run(con, "neutrality_person", filters, person=person)


def affiliation_changes(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """People whose organisation changed: person, changed_on, from_org, to_org, rule, source.

    Reads the precomputed change points unless a team / project / repo / kind filter needs the
    contributions themselves (``filters.rollups`` off: always from contributions)."""
    return run(con, "neutrality_affiliation_changes", filters)


def affiliation_conflicts(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Sources disagreeing about a person: the days, the chosen and the other organisation and source."""
    return run(con, "neutrality_conflicts", filters)


def _stored(con: duckdb.DuckDBPyConnection, filters: Filters) -> bool | None:
    """Where the verdicts these filters ask for are stored, rebuilt at every write: True at a
    release cycle's end (no project or repository filter; a team filter keeps its teams' rows),
    False for the default view's last day (no filter but bots), None: computed per call."""
    if not filters.rollups or filters.project or filters.repo:
        return None
    if not (filters.team or filters.start or filters.end):
        return False
    if filters.end and con.execute("SELECT count(*) FROM release_cycles WHERE end_at = ?",
                                   [filters.end]).fetchall()[0][0]:
        return True
    return None


def governance(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per team and metric, at the filter's end (else the last day with data): shares, orgs,
    margin, and the team's verdict with its margin text and the criteria it cannot evaluate."""
    filters = filters or Filters()
    at_cycle_end = _stored(con, filters)
    if at_cycle_end is not None:
        return run(con, "governance_stored_verdicts", filters, at_cycle_end=at_cycle_end)
    return run(con, "governance_verdicts", filters, mode="current")


_EVIDENCE_COLUMNS = {"commits": "commits", "reviews": "reviews", "core_reviews": "core reviews",
                     "core_reviewers": "core reviewers"}


def governance_summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row per team: verdict, margin and, per criterion, the evidence as
    "top org share / top-2 share of n" (the same numbers as :func:`governance`)."""
    frame = governance(con, filters)
    if frame.height == 0:
        return pl.DataFrame(schema={"team": pl.String, "verdict": pl.String, "margin": pl.String})
    evidence = frame.with_columns(pl.when(pl.col("evaluable")).then(pl.format(
        "{} {}% · top-2 {}% of {}", pl.col("top_org"), (pl.col("top1_share") * 100).round(0).cast(pl.Int64),
        (pl.col("top2_share") * 100).round(0).cast(pl.Int64), pl.col("total"))).otherwise(pl.lit("no data"))
        .alias("evidence"))
    wide = evidence.pivot(on="metric", index=["team"], values="evidence").rename(_EVIDENCE_COLUMNS)
    teams = frame.select("team", "verdict", pl.col("margin_text").alias("margin"),
                         pl.col("not_evaluable").alias("cannot evaluate"), "as_of", "window_days"
                         ).unique(subset=["team"], keep="first", maintain_order=True)
    return teams.join(wide, on="team").select(
        "team", "verdict", "margin", *[c for c in _EVIDENCE_COLUMNS.values() if c in wide.columns],
        "cannot evaluate", "as_of", "window_days")


def governance_history(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """The verdict per team at every month end (so flapping shows): as_of, team, verdict, margin_text,
    plus each metric's top-1 share as columns."""
    frame = run(con, "governance_verdicts", filters, mode="history")
    if frame.height == 0:
        return pl.DataFrame(schema={"as_of": pl.Date, "team": pl.String, "verdict": pl.String,
                                    "margin_text": pl.String})
    shares = frame.pivot(on="metric", index=["as_of", "team"], values="top1_share")
    verdicts = frame.select("as_of", "team", "verdict", "margin_text").unique(subset=["as_of", "team"])
    return verdicts.join(shares, on=["as_of", "team"]).sort("team", "as_of")
