"""Every chart and KPI behind every page, metric and figure timed apart, cold (no cache).

Iterates the chart registry (``healthdash.dashboard.charts``), so charts other areas
register are measured too.  For each chart and each filter set (the default view and a
narrow one: one team over the last year) it runs, ``--runs`` times on one read-only
connection: the metric (``chart.metric(cursor, filters)``) and the figure (the chart's
builder plus the JSON serialisation Dash sends).  KPIs are timed per metric function
(cards sharing a metric are computed once, as the page does).

Baseline, measured in the same run: monthly commit counts straight from ``commits``
(no attribution, no figure).  Prints each chart's medians and p95 with its ratio to the
baseline, then the p95 over all charts against the 100 ms target.

Usage: python benchmarks/bench_charts.py WAREHOUSE [--runs 5] [--page PAGE] [--chart NAME]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import plotly.io as pio  # noqa: E402

from healthdash.dashboard import charts as registry  # noqa: E402
from healthdash.dashboard.margins import reserve_margins  # noqa: E402
from healthdash.metrics import parse_filters  # noqa: E402
from healthdash.metrics.cycles import resolve_cycle  # noqa: E402
from healthdash.warehouse import reader  # noqa: E402

BASELINE = "SELECT date_trunc('month', author_date) AS month, count(*) FROM commits WHERE NOT is_merge GROUP BY 1"
TARGET_MS = 100.0


@dataclass
class Timing:
    name: str
    page: str
    view: str
    metric_ms: list[float] = field(default_factory=list)
    figure_ms: list[float] = field(default_factory=list)
    rows: int = 0
    error: str = ""

    def totals(self) -> list[float]:
        return [m + f for m, f in zip(self.metric_ms, self.figure_ms)]


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))] if values else 0.0


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def narrow_query(con) -> str:
    """One team (the busiest repository's) over the last year of data."""
    team, end = con.cursor().execute("""
        SELECT team, (SELECT max(ts)::DATE FROM contribution_facts) FROM contribution_facts
        WHERE kind = 'commit' AND team <> 'Unassigned' GROUP BY team ORDER BY count(*) DESC LIMIT 1""").fetchone()
    return f"team={team}&start={end.replace(year=end.year - 1).isoformat()}"


def time_chart(con, chart, query: str, view: str, runs: int) -> Timing:
    timing = Timing(chart.name, chart.page, view)
    try:
        filters = resolve_cycle(con.cursor(), parse_filters(query))
        for _ in range(runs):
            start = time.perf_counter()
            with con.cursor() as cur:        # one cursor per call, as the dashboard's Warehouse does
                df = chart.metric(cur, filters)
            timing.metric_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            if chart.figure is not None and not df.is_empty():
                pio.to_json(reserve_margins(chart.figure(df, filters)), validate=False)   # as the page sends it
            else:
                df.to_dicts()   # a table (or an empty state) sends its rows
            timing.figure_ms.append((time.perf_counter() - start) * 1000)
            timing.rows = df.height
    except Exception as err:  # noqa: BLE001 - a failing chart is reported, the rest still run
        timing.error = " ".join(str(err).split())[:120]
    return timing


def time_kpis(con, page: str, query: str, view: str, runs: int) -> list[Timing]:
    seen, out = set(), []
    for kpi in registry.kpis_for_page(page):
        if kpi.metric in seen:
            continue
        seen.add(kpi.metric)
        timing = Timing(f"kpi:{kpi.metric.__module__.rsplit('.', 1)[-1]}.{kpi.metric.__name__}", page, view)
        try:
            filters = resolve_cycle(con.cursor(), parse_filters(query))
            for _ in range(runs):
                start = time.perf_counter()
                with con.cursor() as cur:
                    df = kpi.metric(cur, filters)
                timing.metric_ms.append((time.perf_counter() - start) * 1000)
                timing.figure_ms.append(0.0)
                timing.rows = df.height
        except Exception as err:  # noqa: BLE001
            timing.error = " ".join(str(err).split())[:120]
        out.append(timing)
    return out


def line(t: Timing, base: float) -> str:
    """One chart's figures: medians of metric and figure, p95 of both together, ratio to the baseline."""
    if t.error:
        return f"{t.page:<14}{t.name:<34}{t.view:<8} ERROR {t.error}"
    metric, figure, worst = statistics.median(t.metric_ms), statistics.median(t.figure_ms), p95(t.totals())
    flag = "" if worst <= TARGET_MS else "  > target"
    return (f"{t.page:<14}{t.name[:33]:<34}{t.view:<8}{t.rows:>7}{metric:>8.1f}m{figure:>8.1f}m{worst:>8.1f}m"
            f"{worst / base:>7.1f}x{flag}")


def run(warehouse: Path, runs: int = 5, pages: list[str] | None = None, out=print,
        chart_names: list[str] | None = None) -> dict:
    charts = registry.load_all()
    with reader(warehouse) as con:
        base = median_ms(lambda: con.cursor().execute(BASELINE).fetchall(), max(runs, 5))
        views = {"default": "", "narrow": narrow_query(con)}
        out(f"baseline (monthly commits, plain table): {base:7.1f} ms; narrow view = ?{views['narrow']}")
        timings: list[Timing] = []
        page_names = pages or sorted({c.page for c in charts.values()} | {k.page for k in registry.KPIS.values()})
        out(f"{'page':<14}{'chart':<34}{'view':<8}{'rows':>7}{'metric':>9}{'figure':>9}{'p95':>9}{'ratio':>8}")
        for page in page_names:
            for view, query in views.items():
                for chart in registry.for_page(page):
                    if chart_names and chart.name not in chart_names:
                        continue
                    timings.append(time_chart(con, chart, query, view, runs))
                    out(line(timings[-1], base))
                for timing in ([] if chart_names else time_kpis(con, page, query, view, runs)):
                    timings.append(timing)
                    out(line(timing, base))
    ok = [t for t in timings if not t.error]
    every = [x for t in ok for x in t.totals()]
    summary = {"baseline_ms": base, "p95_ms": p95(every), "max_ms": max(every, default=0.0),
               "over_target": sum(1 for t in ok if p95(t.totals()) > TARGET_MS), "charts": len(ok),
               "errors": len(timings) - len(ok),
               "page_ms": {f"{p}/{v}": sum(statistics.median(t.totals()) for t in ok if t.page == p and t.view == v)
                           for p in sorted({t.page for t in ok}) for v in views}}
    out(f"all charts and KPIs: p95 {summary['p95_ms']:.1f} ms ({summary['p95_ms'] / base:.1f}x baseline), "
        f"max {summary['max_ms']:.1f} ms, {summary['over_target']} of {summary['charts']} over the "
        f"{TARGET_MS:.0f} ms target, {summary['errors']} errors")
    for key, ms in summary["page_ms"].items():
        out(f"  page {key:<28} sum of chart + KPI medians {ms:8.1f} ms ({ms / base:.1f}x baseline)")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", action="append", help="only this page (repeatable)")
    parser.add_argument("--chart", action="append", help="only this chart (repeatable; no KPIs then)")
    args = parser.parse_args(argv)
    run(args.warehouse, args.runs, args.page, out=functools.partial(print, flush=True), chart_names=args.chart)


if __name__ == "__main__":
    main()
