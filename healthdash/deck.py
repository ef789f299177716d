"""A slide deck of the dashboard's charts: ``healthdash export slides`` and the "Download slides" button.

Writes ``DIR/index.html``, one self-contained file a speaker can open on a
conference laptop with no network: plotly.js is inlined from the installed
plotly package, the deck stylesheet (``assets/deck.css``) is inlined, and every
figure travels as JSON inside the page.  One chart per 16:9 slide with its
title, a one-line takeaway computed from the data (:mod:`healthdash.takeaways`)
and a source line (filters, period, "data to <date> · healthdash"); arrow
keys, space, Page Up/Down, Home/End move between slides.  Each chart is also
written as ``<chart>-<filters>-<date>.svg`` through kaleido (which drives the
system Chromium); without kaleido the export fails with one line.

No dash import: the same code runs from the command line and from a callback.
"""

from __future__ import annotations

import html
import io
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import plotly.graph_objects as go
import polars as pl

from healthdash.assets import asset_text
from healthdash.errors import HealthdashError
from healthdash.export import file_stem, filters_slug
from healthdash.labels import filters_sentence, label
from healthdash.metrics import Filters
from healthdash.metrics.cycles import resolve_cycle
from healthdash.takeaways import chart_takeaway

#: Pages whose charts make the default deck, in the navigation's order.
DECK_PAGES = ("overview", "participation", "strategic", "quality", "security", "commonality", "consistency")
SLIDE_WIDTH, SLIDE_HEIGHT = 1600, 900
#: Rows of a table chart shown on one slide.
TABLE_ROWS = 12


@dataclass
class Slide:
    name: str
    title: str
    figure: go.Figure
    takeaway: str
    description: str


def deck_charts(registry: dict[str, Any], names: Iterable[str] | None = None) -> list[Any]:
    """The charts of a deck: ``names`` in order, else every chart with a figure on the area pages."""
    if names:
        unknown = [n for n in names if n not in registry]
        if unknown:
            raise HealthdashError(f"unknown chart {unknown[0]!r}; `healthdash export --list` shows them",
                                  title="export")
        return [registry[n] for n in names]
    rank = {page: i for i, page in enumerate(DECK_PAGES)}
    return sorted((c for c in registry.values() if c.page in rank and c.figure is not None),
                  key=lambda c: (rank[c.page], c.order, c.name))


def data_end(con) -> date | None:
    """The day of the newest contribution (the "data to" date of every slide)."""
    try:
        return con.execute("SELECT max(ts)::DATE FROM contribution_facts").fetchall()[0][0]
    except Exception:  # noqa: BLE001 - an empty or older warehouse has no date to show
        return None


def table_figure(df: pl.DataFrame) -> go.Figure:
    """A table chart on a slide: its first rows, headers in words, numbers formatted."""
    shown = df.head(TABLE_ROWS)
    cells = []
    for name, dtype in shown.schema.items():
        values = shown[name].to_list()
        if dtype.is_float():
            rate = "share" in name or "coverage" in name
            values = ["" if v is None else (f"{v:.1%}" if rate else f"{v:,.2f}") for v in values]
        elif dtype.is_integer():
            values = ["" if v is None else f"{v:,}" for v in values]
        else:
            values = ["" if v is None else str(v)[:60] for v in values]
        cells.append(values)
    fig = go.Figure(go.Table(header={"values": [label(c) for c in shown.columns], "align": "left", "height": 40},
                             cells={"values": cells, "align": "left", "height": 36}))
    if df.height > TABLE_ROWS:
        fig.add_annotation(text=f"First {TABLE_ROWS} of {df.height} rows; the CSV has them all.", showarrow=False,
                           xref="paper", yref="paper", x=0, y=0, yanchor="top", yshift=-4)
    return fig


def build_slides(con, charts: list[Any], filters: Filters, *, end: date | None, start: date | None,
                 last: date | None) -> tuple[list[Slide], list[str]]:
    """(slides, titles of charts left out because they have no data for these filters)."""
    from healthdash.dashboard.figures import apply_house_style, apply_theme, is_dark
    from healthdash.dashboard.periods import mark_in_progress

    from healthdash.dashboard.charts import missing_input
    from healthdash.export import _has_rows

    present = replace(filters, extra={**filters.extra, "present": "1"})
    slides, empty = [], []
    filled: dict[str, bool] = {}
    for chart in charts:
        if missing_input(chart.needs, lambda table: _has_rows(con, table, filled)):
            empty.append(chart.title)  # never collected: no slide of zeros
            continue
        df = chart.metric(con, filters)
        if df.is_empty():
            empty.append(chart.title)
            continue
        if chart.figure is not None:
            figure = mark_in_progress(chart.figure(df, present), end, present=True, data_end=last, start=start)
        else:
            figure = apply_house_style(table_figure(df), present=True)
        figure.update_layout(height=None, width=None, autosize=True)
        apply_theme(figure, dark=is_dark(filters))
        slides.append(Slide(chart.name, chart.title, figure, chart_takeaway(chart.name, df, end), chart.description))
    return slides, empty


def _json_script(fig: go.Figure, index: int) -> str:
    text = fig.to_json().replace("</", "<\\/")  # never closes the script element, whatever the data says
    return f'<script type="application/json" id="figure-{index}">{text}</script>'


_DECK_JS = """
(function () {
  var slides = Array.prototype.slice.call(document.querySelectorAll('.slide'));
  var current = 0;
  function draw(slide) {
    var box = slide.querySelector('.chart[data-figure]');
    if (!box || box.dataset.drawn) { if (box && window.Plotly) { Plotly.Plots.resize(box); } return; }
    var fig = JSON.parse(document.getElementById(box.dataset.figure).textContent);
    box.dataset.drawn = '1';
    Plotly.newPlot(box, fig.data, fig.layout, {responsive: true, displaylogo: false, displayModeBar: false});
  }
  function show(index) {
    current = Math.max(0, Math.min(slides.length - 1, index));
    slides.forEach(function (s, i) { s.classList.toggle('active', i === current); });
    draw(slides[current]);
    if (location.hash !== '#' + (current + 1)) { history.replaceState(null, '', '#' + (current + 1)); }
  }
  document.addEventListener('keydown', function (e) {
    var next = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ' ': 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1};
    if (e.key in next) { show(current + next[e.key]); e.preventDefault(); }
    else if (e.key === 'Home') { show(0); } else if (e.key === 'End') { show(slides.length - 1); }
  });
  document.addEventListener('click', function (e) { if (!e.target.closest('.chart')) { show(current + 1); } });
  window.addEventListener('resize', function () { draw(slides[current]); });
  window.deck = {show: show, count: slides.length, current: function () { return current; }};
  show((parseInt(location.hash.slice(1), 10) || 1) - 1);
})();
"""


def deck_html(slides: list[Slide], *, summary: str, source: str, empty: list[str], dark: bool) -> str:
    """The self-contained page: inlined plotly.js and deck CSS, a title slide, one slide per chart."""
    from plotly.offline import get_plotlyjs

    esc = html.escape
    total = len(slides) + 1
    left_out = (f'<p class="subtitle">No data for these filters, so left out: {esc(", ".join(empty))}.</p>'
                if empty else "")
    parts = [f'<section class="slide title-slide"><h1>Project health</h1><p class="subtitle">{esc(summary)}</p>'
             f'<p class="subtitle">{esc(source)}</p>{left_out}<div class="counter">1 / {total}</div></section>']
    for index, slide in enumerate(slides):
        line = slide.takeaway or slide.description
        parts.append(
            f'<section class="slide" id="{esc(slide.name)}"><div class="counter">{index + 2} / {total}</div>'
            f'<h1>{esc(slide.title)}</h1><p class="takeaway">{esc(line)}</p>'
            f'<div class="chart" data-figure="figure-{index}"></div>{_json_script(slide.figure, index)}'
            f'<div class="source"><span>{esc(summary)}</span><span>{esc(source)}</span></div></section>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Project health · {esc(summary)}</title>"
        f"<style>{asset_text('deck.css')}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head>'
        f'<body class="deck{" dark" if dark else ""}">{"".join(parts)}'
        f"<script>{_DECK_JS}</script></body></html>\n")


def write_svgs(slides: list[Slide], stems: list[str], out_dir: Path) -> list[Path]:
    """Each slide's chart as ``<stem>.svg`` (1600×900) through kaleido; one line when it cannot."""
    try:
        import kaleido  # noqa: F401 - only to say clearly when it is missing
        import plotly.io as pio
    except ImportError as err:
        raise HealthdashError(f"cannot draw the SVGs: kaleido is not installed ({err})", title="slides") from err
    paths = [out_dir / f"{stem}.svg" for stem in stems]
    if not slides:
        return []
    try:
        pio.write_images(fig=[s.figure for s in slides], file=[str(p) for p in paths], format="svg",
                         width=SLIDE_WIDTH, height=SLIDE_HEIGHT)
    except Exception as err:  # noqa: BLE001 - kaleido's errors are long; one line names the cause
        first = " ".join(str(err).split())[:200]
        raise HealthdashError(f"cannot draw the SVGs with kaleido (it needs Chrome or Chromium, e.g. "
                              f"/usr/bin/chromium): {first}", title="slides") from err
    return paths


def write_deck(con, registry: dict[str, Any], names: Iterable[str] | None, filters: Filters, out_dir: Path,
               *, svg: bool = True) -> list[Path]:
    """Write ``out_dir/index.html`` and one SVG per slide; return the paths written."""
    charts = deck_charts(registry, names)
    resolved = resolve_cycle(con, filters)
    last = data_end(con)
    end = min(resolved.end, last) if resolved.end and last else (resolved.end or last)
    slides, empty = build_slides(con, charts, resolved, end=end, start=resolved.start, last=last)
    summary = filters_sentence(filters, resolved.start, end)
    source = f"data to {last.day} {last:%b %Y} · healthdash" if last else "healthdash"
    from healthdash.dashboard.figures import is_dark

    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.html"
    index.write_text(deck_html(slides, summary=summary, source=source, empty=empty, dark=is_dark(filters)),
                     encoding="utf-8")
    written = [index]
    if svg:
        written += write_svgs(slides, [file_stem(s.name, filters, end) for s in slides], out_dir)
    return written


def deck_zip(con, registry: dict[str, Any], names: Iterable[str] | None, filters: Filters) -> tuple[str, bytes]:
    """(file name, zip bytes) of the deck for one view: ``slides-<filters>-<date>.zip``."""
    with tempfile.TemporaryDirectory(prefix="healthdash-deck-") as tmp:
        folder = Path(tmp)
        written = write_deck(con, registry, names, filters, folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in written:
                archive.write(path, path.name)
    last = data_end(con)
    return f"slides-{filters_slug(filters)}-{(last or date.today()).isoformat()}.zip", buffer.getvalue()
