"""One-line takeaways for slides, computed from the frame a chart plots.

A slide needs a sentence a speaker can say ("Ironclad Storage makes 84% of the
contributions"), not only a picture.  :func:`takeaway` reads the shape of the
frame (a label column such as ``org`` and a value or share column, or a time
column and a value), so every registered chart gets one without writing it by
hand; a chart whose frame fits no shape gets an empty string (the slide then
shows its definition).  Values are the frame's own: nothing is estimated.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from healthdash.labels import label, value_label

#: Columns naming what a row is about, in order of preference.
LABEL_COLUMNS = ("name", "person", "org", "team", "project", "repo", "kind", "file", "verdict")
#: Columns holding the period a row belongs to.
TIME_COLUMNS = ("month", "month_end", "quarter", "as_of", "year", "cycle", "week", "day")
#: Numeric columns that are ranks or sizes, never the value a chart is about.
_NOT_VALUES = ("rank", "order", "year", "window_days", "is_latest")


def _values(df: pl.DataFrame, skip: tuple[str, ...]) -> list[str]:
    return [c for c, dtype in df.schema.items()
            if dtype.is_numeric() and dtype != pl.Boolean and c not in skip and c not in _NOT_VALUES]


def _is_rate(column: str) -> bool:
    return "share" in column or "coverage" in column or column in ("retention", "ratio")


def _words(column: str) -> str:
    """A column's label inside a sentence: lower case, acronyms kept ("effective organisations (1/HHI)")."""
    text = label(column)
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _number(value: float, column: str) -> str:
    if _is_rate(column):
        return f"{value:.0%}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _when(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%b %Y}"
    return str(value)


def _ranked(df: pl.DataFrame, by: str) -> str:
    values = _values(df, (by,))
    shares = [c for c in values if _is_rate(c)]
    counts = [c for c in values if not _is_rate(c)]
    if not values:
        return ""
    if df.select(by).n_unique() < df.height:  # several rows per label (e.g. per month): sum the counts
        if not counts:
            return ""
        df = df.group_by(by).agg(pl.col(counts[0]).sum())
        shares = []
    value = counts[0] if counts else shares[0]
    ranked = df.filter(pl.col(value).is_not_null()).sort(value, descending=True)
    if ranked.is_empty():
        return ""
    top = ranked.row(0, named=True)
    who = value_label(by, top[by])
    what = _words(value)
    if _is_rate(value):
        return f"Highest {what}: {who}, {_number(top[value], value)}."
    total = ranked[value].sum()
    if shares and counts:
        return f"{who} leads: {_number(top[value], value)} {what} ({_number(top[shares[0]], shares[0])} of the total)."
    if total and ranked.height > 1:
        return f"{who} leads with {_number(top[value], value)} of {_number(total, value)} {what} ({top[value] / total:.0%})."
    return f"{who} leads: {_number(top[value], value)} {what}."


def _partial(value, end: date | None) -> bool:
    """True when ``value`` (a month start) is the month ``end`` falls in before its last day."""
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date) or end is None or (value.year, value.month) != (end.year, end.month):
        return False
    return (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1) != end


def _trend(df: pl.DataFrame, when: str, end: date | None = None) -> str:
    values = _values(df, (when,))
    if not values:
        return ""
    value = values[0]
    label_col = next((c for c in LABEL_COLUMNS if c in df.columns), None)
    share_like = _is_rate(value) or not df.schema[value].is_integer()
    if label_col and not share_like:
        per = df.group_by(when).agg(pl.col(value).sum()).sort(when)
    elif label_col:
        return ""  # several series of a rate: no one number to say
    else:
        per = df.select(when, value).drop_nulls().sort(when)
    if per.height < 2:
        return ""
    last, first = per.row(per.height - 1), per.row(0)
    peak = per.sort(value, descending=True).row(0)
    what = _words(value)
    latest = _when(last[0]) + (f" (to {end.day} {end:%b})" if _partial(last[0], end) else "")
    sentence = (f"{latest}: {_number(last[1], value)} {what}; "
                f"{_when(first[0])}: {_number(first[1], value)}")
    if peak[0] not in (first[0], last[0]):
        sentence += f"; peak {_number(peak[1], value)} in {_when(peak[0])}"
    return sentence + "."


def _latest_verdicts(df: pl.DataFrame) -> str:
    latest = df.filter(pl.col("as_of") == pl.col("as_of").max()).sort("team")
    return "Latest verdicts: " + "; ".join(f"{r['team']} {value_label('verdict', r['verdict']).lower()}"
                                            for r in latest.iter_rows(named=True)) + "."


def _all_kinds(df: pl.DataFrame) -> dict:
    rows = df.filter(pl.col("kind") == "all")
    return rows.row(0, named=True) if rows.height else df.row(0, named=True)


#: Charts whose frame needs a word of its own (the rest go through the generic shapes).
SPECIFIC = {
    "concentration-trend": lambda df, end: _trend(df.select("month", "effective_orgs"), "month", end),
    "org-share-over-time": lambda df, end: _ranked(df.select("org", "contributions"), "org"),
    "coverage-by-repo": lambda df, end: _ranked(df.filter(pl.col("is_latest")).select("repo", "line_coverage"), "repo"),
    "coverage-by-project": lambda df, end: _ranked(df.select("project", "line_coverage"), "project"),
    "coverage-uncovered-files": lambda df, end: _ranked(df.select("path", "lines_uncovered").rename({"path": "file"}),
                                                        "file"),
    "test-line-share": lambda df, end: _ranked(df.select("repo", "test_share"), "repo"),
    "pony-factor": lambda df, end: (lambda r: f"Pony factor {r['pony_factor']}: {r['pony_factor']} people make half "
                                              f"of {r['contributions']:,} contributions.")(_all_kinds(df)),
    "concentration-by-kind": lambda df, end: (lambda r: (
        f"Elephant factor {r['elephant_factor']}: {r['elephant_factor']} organisation(s) make half of the "
        f"contributions; the largest, {r['top_org']}, {r['top1_share']:.0%}."))(_all_kinds(df)),
    "review-latency": lambda df, end: _trend(df.filter(pl.col("measure") == df["measure"][0])
                                             .select("month", "median_hours"), "month", end),
    "review-coverage": lambda df, end: _trend(df.select("month", "coverage"), "month", end),
    "ci-health": lambda df, end: _trend(df.select("month", "failure_share"), "month", end),
    "security-open-public": lambda df, end: (f"{df.height} open public security bug(s); the oldest open "
                                             f"{df['age_days'].max():,.0f} days."),
    "security-advisory-timeline": lambda df, end: (f"{df.height} advisories naming "
                                                   f"{int(df['cve_count'].sum() or 0)} CVEs."),
    "security-time-to-fix": lambda df, end: _trend(df.select("quarter", "median_days_to_fix"), "quarter", end),
    "patch-sets": lambda df, end: _trend(df.select("month", "mean_patch_sets"), "month", end),
    "bugs-time-to-triage": lambda df, end: _trend(df.select("month", "median_days_to_triage"), "month", end),
    "governance-history": lambda df, end: _latest_verdicts(df),
}


def takeaway(df: pl.DataFrame, end: date | None = None) -> str:
    """The sentence under a slide's title, from the frame itself ('' when no shape fits);
    ``end`` (the day the numbers run to) marks a last month still running."""
    return generic_takeaway(df, end)


def chart_takeaway(name: str, df: pl.DataFrame, end: date | None = None) -> str:
    """:func:`takeaway` with the chart's own wording where it has one ('' on any surprise in the frame)."""
    if df.is_empty():
        return ""
    try:
        return SPECIFIC[name](df, end) if name in SPECIFIC else generic_takeaway(df, end)
    except (KeyError, TypeError, ValueError, IndexError, pl.exceptions.PolarsError):
        return ""


def generic_takeaway(df: pl.DataFrame, end: date | None = None) -> str:
    if df.is_empty():
        return ""
    when = next((c for c in TIME_COLUMNS if c in df.columns), None)
    if when and df.select(when).n_unique() > 1:
        return _trend(df, when, end)
    by = next((c for c in LABEL_COLUMNS if c in df.columns), None)
    return _ranked(df, by) if by else ""
