"""The scorecard (issue 13): each team's health per area, scored 0-100, and its change.

Metrics layer (no Dash).  Every input is a number an area page already shows
with the team and the release cycle as filters, so a cell and the page it links
to agree.  It is read for every team, the community and both cycles at once: one
``sql/<area query>_by_team.sql`` per area query (the page's query grouped by
period and team, each checked cell by cell against the area's own function in
tests/test_scorecard_grouped.py), and, for states read at each repository's head,
the area's per-repository frame aggregated per team as the area's summary does.
A call per team and cycle took ~15 s at full scale (60 teams).  What only a write changes
is stored at its end (rollups): the grouped rows of every release cycle (``<query>_cycles``,
schema/0037), the head states summed per team (``scorecard_heads``, 0038) and the governance
verdicts at every cycle's end (0035), so a scorecard of two cycles reads ~a thousand stored rows
(tests/test_scorecard_grouped.py compares them with the queries run per call).  The formula,
written once here (and shown in each cell's detail and the README):

* indicator score = 100 x (value - bad) / (good - bad), clamped to 0..100, with
  ``good`` / ``bad`` from ``[scorecard]`` (defaults: ``settings.SCORECARD_DEFAULTS``);
* area score = the mean of its indicator scores that have data, rounded; an area
  with no indicator data is "no data", never a score;
* rating = green from ``green_min``, amber from ``amber_min``, red below;
* trend = score minus the same score in the previous release cycle; an arrow
  when it moved by ``trend_min_points`` or more.

The period is the release cycle in the filters, else the latest cycle at least
half over by the data's last day (a cycle that has just begun has too little to
score), compared with the cycle before it.  Thresholds reach the warehouse with
the other settings at each collection (``attribution_settings``, keys ``scorecard.*``).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable

import duckdb
import polars as pl

from healthdash.metrics import commonality, consistency, neutrality, run
from healthdash.metrics.filters import Filters
from healthdash.metrics.window import as_of
from healthdash.settings import SCORECARD_DEFAULTS

COMMUNITY = "Community"
#: (area, label, page path): the scorecard's columns, in order.
AREAS = [("commonality", "Commonality", "/commonality"), ("consistency", "Consistency", "/consistency"),
         ("security", "Security", "/security"), ("quality", "Quality", "/quality"),
         ("neutrality", "Neutrality", "/participation")]
AREA_LABELS = {key: label for key, label, _ in AREAS}
FORMULA = ("indicator score = 100 × (value − bad) / (good − bad), clamped to 0–100; area score = mean of "
           "the indicator scores that have data; green ≥ {green_min:g}, amber ≥ {amber_min:g}, red below")
#: The two periods a scorecard reads, as the grouped queries name them.
CURRENT, PREVIOUS = "current", "previous"

Value = Callable[["_Grouped", str, "str | None"], "float | None"]


@dataclass(frozen=True)
class Indicator:
    key: str            # threshold keys: <key>_good, <key>_bad
    area: str
    label: str
    format: str         # how the value is written: ".0%", ",.0f"
    unit: str           # after the value: "", " h", " days"
    value: Value        # (inputs, period, team or None for the community) -> value or None (no data)
    history: bool = True   # False: a state read at each repository's collected head, not per cycle


class _Grouped:
    """The scorecard's inputs for every team and the community at once: each area metric's
    ``*_by_team`` query (one row per period and unit), and the head states aggregated per unit
    from the area's per-repository frames (see :data:`HEADS`)."""

    def __init__(self, rows: dict[str, dict[tuple[str, str | None], dict[str, Any]]],
                 heads: dict[str, dict[str | None, dict[str, Any]]]):
        self.rows = rows
        self.heads = heads

    def row(self, query: str, period: str, team: str | None) -> dict[str, Any] | None:
        return self.rows[query].get((period, team))

    def head(self, frame: str, team: str | None) -> dict[str, Any] | None:
        """The aggregates of ``frame``'s rows a team filter keeps (all rows for the community);
        None when it keeps none."""
        return self.heads[frame].get(team)


#: The grouped queries (sql/<name>.sql), each the per-team form of the area query it names.
GROUPED = ("security_summary_by_team", "review_coverage_by_team", "review_time_to_first_review_by_team",
           "quality_coverage_summary_by_team", "bugs_flow_by_team", "neutrality_concentration_by_team")
#: The head states: the area's per-repository frame (every repository, each with its team) and
#: what its summary aggregates over the rows a team filter leaves (commonality.summary,
#: consistency.summary), computed per team and over all rows for the community; or (aggregates
#: None) the area's query that sums the same per team already (``is_community``, ``team``,
#: then the aggregates; a unit without rows has no row).
HEADS: dict[str, tuple[Callable[..., pl.DataFrame], list[pl.Expr] | None]] = {
    "conflicts": (commonality.conflicting_repos_by_team, None),
    "completeness": (consistency.feature_completeness, [pl.col("completeness").mean()]),
}
#: The head states summed per unit by one query (``scorecard_heads_in``, schema/0038, stored
#: in ``scorecard_heads`` at every write): state -> (the column counting the unit's
#: repositories in the area's per-repository frame, the aggregates).
SUMMED_HEADS: dict[str, tuple[str, list[str]]] = {
    "adoption": ("adoption_repos", ["adoption"]),
    "duplicates": ("repos", ["repos", "python_lines", "duplicated_lines"]),
    "conformance": ("checked_repos", ["passed", "checks"]),
}


def _summed_heads(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, dict[str | None, dict[str, Any]]]:
    """:data:`SUMMED_HEADS` per unit: as stored at the last write, or computed (rollups off)."""
    frame = (con.sql("SELECT * FROM scorecard_heads").pl() if filters.rollups
             else run(con, "scorecard_heads", filters))
    heads: dict[str, dict[str | None, dict[str, Any]]] = {key: {} for key in SUMMED_HEADS}
    for row in frame.iter_rows(named=True):
        unit = None if row["is_community"] else row["team"]
        for key, (repos, columns) in SUMMED_HEADS.items():
            if row[repos]:          # a unit without rows in the area's frame has no entry
                heads[key][unit] = {column: row[column] for column in columns}
    return heads


def _per_unit(frame: pl.DataFrame, aggregates: list[pl.Expr] | None) -> dict[str | None, dict[str, Any]]:
    """``aggregates`` over all rows (key None: the community) and, when the frame has teams, over
    each team's rows; a unit without rows has no entry.  Without ``aggregates`` the frame holds
    them per unit already."""
    if aggregates is None:
        return {None if row.pop("is_community") else row.pop("team"): row for row in frame.iter_rows(named=True)}
    if frame.is_empty():
        return {}
    units: dict[str | None, dict[str, Any]] = {None: frame.select(aggregates).row(0, named=True)}
    if "team" in frame.columns:
        teams = frame.filter(pl.col("team").is_not_null()).group_by("team").agg(aggregates)
        units.update({row.pop("team"): row for row in teams.iter_rows(named=True)})
    return units


def _column(query: str, column: str, when: str) -> Value:
    """``column`` of the unit's row, None without a row or when ``when`` is 0 / NULL."""
    def value(inputs: _Grouped, period: str, team: str | None) -> float | None:
        row = inputs.row(query, period, team)
        return None if not row or not row[when] or row[column] is None else float(row[column])
    return value


def _ratio(query: str, part: str, whole: str) -> Value:
    def value(inputs: _Grouped, period: str, team: str | None) -> float | None:
        row = inputs.row(query, period, team)
        return row[part] / row[whole] if row and row[whole] else None
    return value


def _review_coverage(inputs: _Grouped, period: str, team: str | None) -> float | None:
    first = inputs.row("review_time_to_first_review_by_team", period, team)
    if not first or not first["changes"]:
        return None          # no review data for this team in the cycle: 0% would be invented
    return _ratio("review_coverage_by_team", "reviewed", "commits")(inputs, period, team)


def _library_adoption(inputs: _Grouped, period: str, team: str | None) -> float | None:
    row = inputs.head("adoption", team)
    return row["adoption"] if row else None


def _dependency_drift(inputs: _Grouped, period: str, team: str | None) -> float | None:
    repos = (inputs.head("duplicates", team) or {}).get("repos", 0)     # the repositories whose content was read
    return (inputs.head("conflicts", team) or {}).get("repos", 0) / repos if repos else None


def _duplicate_share(inputs: _Grouped, period: str, team: str | None) -> float | None:
    row = inputs.head("duplicates", team)
    lines = row["python_lines"] if row else 0
    return row["duplicated_lines"] / lines if lines else None


def _conformance(inputs: _Grouped, period: str, team: str | None) -> float | None:
    row = inputs.head("conformance", team)
    return row["passed"] / row["checks"] if row else None


def _matrix_completeness(inputs: _Grouped, period: str, team: str | None) -> float | None:
    row = inputs.head("completeness", None)      # the feature matrix is the community's, whatever the team
    return row["completeness"] if row else None


INDICATORS: list[Indicator] = [
    Indicator("library_adoption", "commonality", "Common-library adoption", ".0%", "",
              _library_adoption, history=False),
    Indicator("dependency_drift", "commonality", "Repos outside the constraints", ".0%", "",
              _dependency_drift, history=False),
    Indicator("duplicate_share", "commonality", "Duplicated lines", ".1%", "", _duplicate_share, history=False),
    Indicator("convention_conformance", "consistency", "Convention conformance", ".0%", "",
              _conformance, history=False),
    Indicator("matrix_completeness", "consistency", "Feature-matrix completeness", ".0%", "",
              _matrix_completeness, history=False),
    Indicator("security_fix_days", "security", "Median days to fix security bugs", ",.0f", " days",
              _column("security_summary_by_team", "median_days_to_fix", when="fixed_security_bugs")),
    Indicator("review_coverage", "security", "Commits landed through review", ".0%", "", _review_coverage),
    Indicator("coverage", "quality", "Line coverage", ".0%", "",
              _column("quality_coverage_summary_by_team", "line_coverage", when="repos_measured")),
    Indicator("bug_outflow", "quality", "Bugs closed per bug opened", ".2f", "",
              _ratio("bugs_flow_by_team", "closed", "opened")),
    Indicator("first_review_hours", "quality", "Median hours to first review", ",.0f", " h",
              _column("review_time_to_first_review_by_team", "median_hours", when="reviewed")),
    Indicator("top_org_share", "neutrality", "Biggest organisation's share", ".0%", "",
              _column("neutrality_concentration_by_team", "top1_share", when="contributions")),
    Indicator("effective_orgs", "neutrality", "Effective number of organisations", ".1f", "",
              _column("neutrality_concentration_by_team", "effective_orgs", when="contributions")),
]


# --------------------------------------------------------------------------- the formula

def indicator_score(value: float | None, good: float, bad: float) -> float | None:
    """100 at ``good``, 0 at ``bad``, linear between and clamped; None without a value."""
    if value is None:
        return None
    return 100.0 * min(1.0, max(0.0, (value - bad) / (good - bad)))


def area_score(scores: list[float | None]) -> int | None:
    """The mean of the indicator scores that have data, rounded; None when none has."""
    known = [s for s in scores if s is not None]
    return math.floor(sum(known) / len(known) + 0.5) if known else None


def rating(score: int | None, thresholds: dict[str, float]) -> str:
    if score is None:
        return "no data"
    if score >= thresholds["green_min"]:
        return "green"
    return "amber" if score >= thresholds["amber_min"] else "red"


def trend(score: int | None, previous: int | None, thresholds: dict[str, float]) -> str | None:
    if score is None or previous is None:
        return None
    change = score - previous
    if abs(change) < max(thresholds["trend_min_points"], 1e-9):
        return "steady"
    return "up" if change > 0 else "down"


# --------------------------------------------------------------------------- inputs

def thresholds(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """``[scorecard]`` as copied into the warehouse, over the defaults."""
    rows = con.execute("SELECT substr(key, 11), value FROM attribution_settings "
                       "WHERE key LIKE 'scorecard.%'").fetchall()
    values = dict(SCORECARD_DEFAULTS)
    values.update({key: float(value) for key, value in rows if key in SCORECARD_DEFAULTS})
    return values


@dataclass(frozen=True)
class Period:
    name: str
    start: date | None
    end: date | None
    cycle: str | None = None


def periods(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[Period, Period | None]:
    """(the period scored, the previous release cycle or None)."""
    cycles = [Period(name, start, end, name) for name, start, end in con.execute(
        "SELECT name, start_at, end_at FROM release_cycles ORDER BY start_at").fetchall()]
    if filters.cycle:
        index = next((i for i, c in enumerate(cycles) if c.name == filters.cycle), None)
        if index is not None:
            return cycles[index], cycles[index - 1] if index > 0 else None
    if filters.start or filters.end:
        label = f"{filters.start or '…'} to {filters.end or '…'}"
        return Period(label, filters.start, filters.end), None
    data_end = con.execute("SELECT max(ts)::DATE FROM contribution_facts").fetchall()[0][0]   # no open result left
    started = [i for i, c in enumerate(cycles) if data_end and c.start <= data_end]
    if not started:
        return Period("all data", None, None), None
    index = started[-1]
    cycle = cycles[index]
    if index > 0 and (data_end - cycle.start).days * 2 < (cycle.end - cycle.start).days:
        index -= 1           # the latest cycle is less than half over: score the one before
    return cycles[index], cycles[index - 1] if index > 0 else None


def teams(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[str]:
    names = [r[0] for r in con.execute("SELECT name FROM teams ORDER BY name").fetchall()]
    return [t for t in names if not filters.team or t in filters.team]


def link(area: str, team: str | None, period: Period, query: str | None = None) -> str:
    """The area's page filtered to the team and the scored period (``query``: those filters
    written already, :func:`link_query`)."""
    page = next(path for key, _, path in AREAS if key == area)
    query = link_query(team, period) if query is None else query
    return page + (f"?{query}" if query else "")


def link_query(team: str | None, period: Period) -> str:
    """The filters of a team's links (the same for its five areas: written once per team)."""
    return Filters(team=(team,) if team else (), cycle=period.cycle,
                   start=None if period.cycle else period.start,
                   end=None if period.cycle else period.end).to_query()


# --------------------------------------------------------------------------- the metrics

#: Grouped queries run at once, each on its own cursor (DuckDB runs them in parallel).
WORKERS = 4


def _period_params(current: Period, previous: Period | None) -> dict[str, list]:
    """The periods as the grouped queries take them: zipped lists of name, start, end and the
    instant state metrics are read at (:func:`healthdash.metrics.window.as_of` of the period's end),
    and their union."""
    named = [(CURRENT, current)] + ([(PREVIOUS, previous)] if previous else [])
    starts, ends = [p.start for _, p in named], [p.end for _, p in named]
    return {"p_names": [name for name, _ in named], "p_starts": starts, "p_ends": ends,
            "p_as_of": [as_of(Filters(end=end)) for end in ends],
            # the periods' union, so that scans skip the rest of history (None: unbounded)
            "span_start": None if None in starts else min(starts), "span_end": None if None in ends else max(ends)}


def _on_cursor(con: duckdb.DuckDBPyConnection, work: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
    cursor = con.cursor()
    try:
        return work(cursor)
    finally:
        cursor.close()


def _keyed(frame: pl.DataFrame) -> dict[tuple[str, str | None], dict[str, Any]]:
    """A grouped query's rows by (period, team), the community under team None."""
    return {(row["period"], None if row["is_community"] else row["team"]): row
            for row in frame.iter_rows(named=True)}


def _stored(con: duckdb.DuckDBPyConnection, name: str, current: Period, previous: Period | None,
            include_bots: bool) -> pl.DataFrame:
    """Grouped query ``name``'s rows for two release cycles, from ``<name>_cycles`` (every cycle's
    rows, rebuilt at every write: schema/0037_scorecard_cycles.sql), the periods renamed as the
    query names them."""
    return con.sql(
        f"SELECT * EXCLUDE (with_bots) REPLACE (CASE WHEN period = $current THEN '{CURRENT}' ELSE '{PREVIOUS}' END "
        f"AS period) FROM {name}_cycles WHERE with_bots = $bots AND period IN ($current, $previous)",
        params={"current": current.cycle, "previous": previous.cycle if previous else None,
                "bots": include_bots}).pl()


def _inputs(con: duckdb.DuckDBPyConnection, current: Period, previous: Period | None,
            base: Filters) -> _Grouped:
    """Every grouped query and head-state frame, computed once for all units, on parallel cursors.
    Release cycles' grouped rows are read as stored at the last write (rollups on)."""
    params = _period_params(current, previous)
    everyone = replace(Filters(), include_bots=base.include_bots, rollups=base.rollups)
    cycles = base.rollups and current.cycle is not None and (previous is None or previous.cycle is not None)
    jobs: dict[str, Callable[[duckdb.DuckDBPyConnection], Any]] = {
        name: ((lambda cur, name=name: _keyed(_stored(cur, name, current, previous, base.include_bots))) if cycles
               else (lambda cur, name=name: _keyed(run(cur, name, everyone, **params)))) for name in GROUPED}
    jobs.update({f"head:{key}": (lambda cur, metric=metric, aggregates=aggregates:
                                 _per_unit(metric(cur, everyone), aggregates))
                 for key, (metric, aggregates) in HEADS.items()})
    jobs["summed heads"] = lambda cur: _summed_heads(cur, everyone)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {key: pool.submit(_on_cursor, con, job) for key, job in jobs.items()}
        done = {key: future.result() for key, future in futures.items()}
    return _Grouped({name: done[name] for name in GROUPED},
                    {**{key: done[f"head:{key}"] for key in HEADS}, **done["summed heads"]})


_INDICATOR_SCHEMA = {
    "team": pl.String, "is_community": pl.Boolean, "area": pl.String, "indicator": pl.String,
    "label": pl.String, "value": pl.Float64, "good": pl.Float64, "bad": pl.Float64, "score": pl.Float64,
    "previous_value": pl.Float64, "previous_score": pl.Float64, "cycle": pl.String, "previous_cycle": pl.String}


def _indicator_rows(inputs: _Grouped, units: list[str | None], current: Period, previous: Period | None,
                    limits: dict[str, float]) -> list[dict[str, Any]]:
    rows = []
    for team in units:
        for ind in INDICATORS:
            good, bad = limits[f"{ind.key}_good"], limits[f"{ind.key}_bad"]
            value = ind.value(inputs, CURRENT, team)
            # a state without history (read at each head) has no value for the previous cycle: no arrow
            before = ind.value(inputs, PREVIOUS, team) if previous and ind.history else None
            rows.append({"team": team or COMMUNITY, "is_community": team is None, "area": ind.area,
                         "indicator": ind.key, "label": ind.label, "value": value, "good": good, "bad": bad,
                         "score": indicator_score(value, good, bad), "previous_value": before,
                         "previous_score": indicator_score(before, good, bad),
                         "cycle": current.name, "previous_cycle": previous.name if previous else None})
    return rows


def indicators(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row per team (and the community) and indicator: value, good, bad, score, and the same
    for the previous release cycle."""
    filters = filters or Filters()
    current, previous = periods(con, filters)
    inputs = _inputs(con, current, previous, filters)
    return pl.DataFrame(_indicator_rows(inputs, [None, *teams(con, filters)], current, previous, thresholds(con)),
                        schema=_INDICATOR_SCHEMA)


def _written(ind: Indicator, value: float | None) -> str:
    return "no data" if value is None else format(value, ind.format) + ind.unit


def _inputs_text(ind: Indicator, row: dict[str, Any]) -> str:
    if row["value"] is None:
        return f"{ind.label}: no data (left out)"
    return (f"{ind.label}{'' if ind.history else ' (now, at each repository head)'}: "
            f"{_written(ind, row['value'])} → {row['score']:.0f} "
            f"(100 at {_written(ind, row['good'])}, 0 at {_written(ind, row['bad'])})")


def _verdicts(con: duckdb.DuckDBPyConnection, period: Period, base: Filters) -> dict[str, str]:
    """Each team's governance verdict at the period's end, as a line of the neutrality inputs
    (evidence beside the score, not scored: it already rests on the same shares).  Each team's verdict
    rests on its own contributions only, so when the period has an end (the as-of day) and the
    scorecard lists some teams, only those are evaluated; without an end the as-of day is the
    community's last day with data, which a team filter would change."""
    teams = base.team if base.team and period.end else ()
    frame = neutrality.governance_summary(con, replace(Filters(), team=teams, end=period.end,
                                                       include_bots=base.include_bots, rollups=base.rollups))
    if frame.is_empty() or "verdict" not in frame.columns:
        return {}
    return {row["team"]: (f"governance verdict ({row['window_days']} days to {row['as_of']}): {row['verdict']}"
                          + (f" — {row['margin']}" if row.get("margin") else ""))
            for row in frame.iter_rows(named=True)}


def scorecard(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row per team (the community last) and area: score 0-100 (NULL = no data), rating,
    previous_score, change, trend, the inputs and the formula as text, and the link to the
    area's page filtered to the team and cycle."""
    filters = filters or Filters()
    limits = thresholds(con)
    current, previous = periods(con, filters)
    units = teams(con, filters)
    with ThreadPoolExecutor(max_workers=1) as side:      # the verdicts run beside the grouped queries
        pending = side.submit(_on_cursor, con, lambda cursor: _verdicts(cursor, current, filters))
        inputs = _inputs(con, current, previous, filters)
        verdicts = pending.result()
    detail: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in _indicator_rows(inputs, [None, *units], current, previous, limits):
        detail.setdefault((row["team"], row["area"]), []).append(row)
    by_key = {ind.key: ind for ind in INDICATORS}
    formula = FORMULA.format(**limits)
    rows = []
    for team in [*units, None]:
        name = team or COMMUNITY
        query = link_query(team, current)
        for area, label, _ in AREAS:
            part = detail.get((name, area), [])
            score = area_score([r["score"] for r in part])
            before = area_score([r["previous_score"] for r in part]) if previous else None
            texts = [_inputs_text(by_key[r["indicator"]], r) for r in part]
            if area == "neutrality" and team in verdicts:
                texts.append(verdicts[team])
            rows.append({
                "team": name, "is_community": team is None, "area": area, "area_label": label,
                "score": score, "rating": rating(score, limits), "previous_score": before,
                "change": None if score is None or before is None else score - before,
                "trend": trend(score, before, limits), "cycle": current.name,
                "previous_cycle": previous.name if previous else None,
                "inputs": "; ".join(texts) if texts else "not collected", "formula": formula,
                "link": link(area, team, current, query)})
    return pl.DataFrame(rows, schema={
        "team": pl.String, "is_community": pl.Boolean, "area": pl.String, "area_label": pl.String,
        "score": pl.Int64, "rating": pl.String, "previous_score": pl.Int64, "change": pl.Int64,
        "trend": pl.String, "cycle": pl.String, "previous_cycle": pl.String, "inputs": pl.String,
        "formula": pl.String, "link": pl.String})
