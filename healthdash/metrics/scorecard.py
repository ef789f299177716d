"""The scorecard (issue 13): each team's health per area, scored 0-100, and its change.

Metrics layer (no Dash).  Every input is a number an area page already shows,
read through that area's own metric function with the team and the release
cycle as filters, so a cell and the page it links to agree.  The formula,
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

import importlib
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable

import duckdb
import polars as pl

from healthdash.metrics import bugs, neutrality, quality, reviews, security
from healthdash.metrics.filters import Filters
from healthdash.settings import SCORECARD_DEFAULTS

COMMUNITY = "Community"
#: (area, label, page path): the scorecard's columns, in order.
AREAS = [("commonality", "Commonality", "/commonality"), ("consistency", "Consistency", "/consistency"),
         ("security", "Security", "/security"), ("quality", "Quality", "/quality"),
         ("neutrality", "Neutrality", "/participation")]
AREA_LABELS = {key: label for key, label, _ in AREAS}
FORMULA = ("indicator score = 100 × (value − bad) / (good − bad), clamped to 0–100; area score = mean of "
           "the indicator scores that have data; green ≥ {green_min:g}, amber ≥ {amber_min:g}, red below")

Value = Callable[["_Inputs", Filters], float | None]


@dataclass(frozen=True)
class Indicator:
    key: str            # threshold keys: <key>_good, <key>_bad
    area: str
    label: str
    format: str         # how the value is written: ".0%", ",.0f"
    unit: str           # after the value: "", " h", " days"
    value: Value
    history: bool = True   # False: a state read at each repository's collected head, not per cycle


class _Inputs:
    """Metric frames memoised per (function, filters) within one scorecard computation."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self._frames: dict[tuple, pl.DataFrame] = {}

    def frame(self, metric: Callable[..., pl.DataFrame], filters: Filters) -> pl.DataFrame:
        key = (metric.__module__, metric.__qualname__, filters.to_query())
        if key not in self._frames:
            self._frames[key] = metric(self.con, filters)
        return self._frames[key]

    def cell(self, metric, filters: Filters, column: str, *, when: str | None = None) -> float | None:
        """``column`` of the metric's first row, None when there is no row or ``when`` is 0/NULL."""
        df = self.frame(metric, filters)
        if df.is_empty() or (when and not df[when][0]):
            return None
        value = df[column][0]
        return None if value is None else float(value)


def _bug_outflow(inputs: _Inputs, f: Filters) -> float | None:
    flow = inputs.frame(bugs.flow, f)
    opened = int(flow["opened"].sum()) if flow.height else 0
    return int(flow["closed"].sum()) / opened if opened else None


def _review_coverage(inputs: _Inputs, f: Filters) -> float | None:
    if not inputs.cell(reviews.time_to_first_review_overall, f, "changes"):
        return None          # no review data for this team in the cycle: 0% would be invented
    return inputs.cell(reviews.review_coverage_overall, f, "coverage", when="commits")


def _concentration(column: str) -> Value:
    def value(inputs: _Inputs, f: Filters) -> float | None:
        df = inputs.frame(neutrality.concentration, f).filter(pl.col("kind") == "all")
        return None if df.is_empty() or df[column][0] is None else float(df[column][0])
    return value


def _optional(module: str, column: str, per: str | None = None) -> Value:
    """``column`` of ``module.summary`` (``/ per`` when given), from an area module that may not be
    installed yet (commonality, consistency): None ("no data") until it is, or while it measures nothing."""
    def value(inputs: _Inputs, f: Filters) -> float | None:
        try:
            metric = importlib.import_module(module).summary
        except (ImportError, AttributeError):
            return None
        number = inputs.cell(metric, f, column)
        if per is None or number is None:
            return number
        base = inputs.cell(metric, f, per)
        return number / base if base else None
    return value


INDICATORS: list[Indicator] = [
    Indicator("library_adoption", "commonality", "Common-library adoption", ".0%", "",
              _optional("healthdash.metrics.commonality", "library_adoption"), history=False),
    Indicator("dependency_drift", "commonality", "Repos outside the constraints", ".0%", "",
              _optional("healthdash.metrics.commonality", "conflicting_repos", per="repos"), history=False),
    Indicator("duplicate_share", "commonality", "Duplicated lines", ".1%", "",
              _optional("healthdash.metrics.commonality", "duplicated_share"), history=False),
    Indicator("convention_conformance", "consistency", "Convention conformance", ".0%", "",
              _optional("healthdash.metrics.consistency", "conformance"), history=False),
    Indicator("matrix_completeness", "consistency", "Feature-matrix completeness", ".0%", "",
              _optional("healthdash.metrics.consistency", "matrix_completeness"), history=False),
    Indicator("security_fix_days", "security", "Median days to fix security bugs", ",.0f", " days",
              lambda i, f: i.cell(security.summary, f, "median_days_to_fix", when="fixed_security_bugs")),
    Indicator("review_coverage", "security", "Commits landed through review", ".0%", "", _review_coverage),
    Indicator("coverage", "quality", "Line coverage", ".0%", "",
              lambda i, f: i.cell(quality.coverage_summary, f, "line_coverage", when="repos_measured")),
    Indicator("bug_outflow", "quality", "Bugs closed per bug opened", ".2f", "", _bug_outflow),
    Indicator("first_review_hours", "quality", "Median hours to first review", ",.0f", " h",
              lambda i, f: i.cell(reviews.time_to_first_review_overall, f, "median_hours", when="reviewed")),
    Indicator("top_org_share", "neutrality", "Biggest organisation's share", ".0%", "",
              _concentration("top1_share")),
    Indicator("effective_orgs", "neutrality", "Effective number of organisations", ".1f", "",
              _concentration("effective_orgs")),
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
    data_end = con.execute("SELECT max(ts)::DATE FROM contribution_facts").fetchone()[0]
    started = [i for i, c in enumerate(cycles) if data_end and c.start <= data_end]
    if not started:
        return Period("all data", None, None), None
    index = started[-1]
    cycle = cycles[index]
    if index > 0 and (data_end - cycle.start).days * 2 < (cycle.end - cycle.start).days:
        index -= 1           # the latest cycle is less than half over: score the one before
    return cycles[index], cycles[index - 1] if index > 0 else None


def _filters(team: str | None, period: Period, base: Filters) -> Filters:
    return replace(Filters(), team=(team,) if team else (), start=period.start, end=period.end,
                   include_bots=base.include_bots)


def teams(con: duckdb.DuckDBPyConnection, filters: Filters) -> list[str]:
    names = [r[0] for r in con.execute("SELECT name FROM teams ORDER BY name").fetchall()]
    return [t for t in names if not filters.team or t in filters.team]


def link(area: str, team: str | None, period: Period) -> str:
    """The area's page filtered to the team and the scored period."""
    page = next(path for key, _, path in AREAS if key == area)
    query = Filters(team=(team,) if team else (), cycle=period.cycle,
                    start=None if period.cycle else period.start,
                    end=None if period.cycle else period.end).to_query()
    return page + (f"?{query}" if query else "")


# --------------------------------------------------------------------------- the metrics

#: Teams x cycles computed at once, each on its own cursor (DuckDB runs them in parallel).
WORKERS = 4


def _unit_rows(con: duckdb.DuckDBPyConnection, team: str | None, current: Period, previous: Period | None,
               base: Filters, limits: dict[str, float]) -> list[dict[str, Any]]:
    """The indicator rows of one team (None = the community), on a cursor of its own."""
    cursor = con.cursor()
    try:
        inputs = _Inputs(cursor)
        rows = []
        for ind in INDICATORS:
            good, bad = limits[f"{ind.key}_good"], limits[f"{ind.key}_bad"]
            value = ind.value(inputs, _filters(team, current, base))
            # a state without history (read at each head) has no value for the previous cycle: no arrow
            before = ind.value(inputs, _filters(team, previous, base)) if previous and ind.history else None
            rows.append({"team": team or COMMUNITY, "is_community": team is None, "area": ind.area,
                         "indicator": ind.key, "label": ind.label, "value": value, "good": good, "bad": bad,
                         "score": indicator_score(value, good, bad), "previous_value": before,
                         "previous_score": indicator_score(before, good, bad),
                         "cycle": current.name, "previous_cycle": previous.name if previous else None})
        return rows
    finally:
        cursor.close()


def indicators(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row per team (and the community) and indicator: value, good, bad, score, and the same
    for the previous release cycle."""
    filters = filters or Filters()
    limits = thresholds(con)
    current, previous = periods(con, filters)
    units = [None, *teams(con, filters)]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        parts = list(pool.map(lambda team: _unit_rows(con, team, current, previous, filters, limits), units))
    return pl.DataFrame([row for part in parts for row in part], schema={
        "team": pl.String, "is_community": pl.Boolean, "area": pl.String, "indicator": pl.String,
        "label": pl.String, "value": pl.Float64, "good": pl.Float64, "bad": pl.Float64, "score": pl.Float64,
        "previous_value": pl.Float64, "previous_score": pl.Float64, "cycle": pl.String,
        "previous_cycle": pl.String})


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
    (evidence beside the score, not scored: it already rests on the same shares)."""
    frame = neutrality.governance_summary(con, replace(Filters(), end=period.end, include_bots=base.include_bots))
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
    detail = indicators(con, filters)
    verdicts = _verdicts(con, current, filters)
    by_key = {ind.key: ind for ind in INDICATORS}
    formula = FORMULA.format(**limits)
    rows = []
    for team in [*teams(con, filters), None]:
        name = team or COMMUNITY
        for area, label, _ in AREAS:
            part = detail.filter((pl.col("team") == name) & (pl.col("area") == area)).to_dicts()
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
                "link": link(area, team, current)})
    return pl.DataFrame(rows, schema={
        "team": pl.String, "is_community": pl.Boolean, "area": pl.String, "area_label": pl.String,
        "score": pl.Int64, "rating": pl.String, "previous_score": pl.Int64, "change": pl.Int64,
        "trend": pl.String, "cycle": pl.String, "previous_cycle": pl.String, "inputs": pl.String,
        "formula": pl.String, "link": pl.String})
