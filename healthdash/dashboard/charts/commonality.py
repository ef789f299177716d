"""Commonality charts (issue 10): common-library adoption, dependency drift, duplicated code.

Registers the Commonality page's charts and KPIs, tying
:mod:`healthdash.metrics.commonality` to pure figure builders; the page, its
CSV downloads, ``/embed/<name>`` and ``healthdash export`` read the same
entries.  No Dash import.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import Chart, Kpi, register, register_kpi
from healthdash.dashboard.figures import COLORS, MAX_BARS, apply_house_style, empty_figure, is_present
from healthdash.metrics import commonality

#: adoption status -> (heat-map level, symbol, colour)
ADOPTION = {"declared": (3, "✓", COLORS["good"]), "imported only": (2, "≈", "#7FB77E"),
            "test only": (1, "t", COLORS["warn"]), "not used": (0, "✗", "#F2C4C4")}


#: Rows a status map draws at most: 2,000 repositories x 30 libraries is a 52,000-pixel figure of
#: 60,000 cells nobody can read (and ~0.5 s to build, seconds to draw); the worst rows are shown.
MAX_MAP_ROWS = 60


def _distinct_text(column: pl.Series) -> list[str]:
    """The column's values as text (``str(value)``, None as "None"), each once, in first-seen order:
    in polars, as a Python loop over 60,000 cells took ~25 ms of the adoption map."""
    return column.cast(pl.String).fill_null("None").unique(maintain_order=True).to_list()


#: Largest map whose cells carry their status symbol: plotly.js measures each cell's text, and
#: 60 x 30 symbols took ~0.4 s of drawing (7x the map without them); a larger map shows the
#: colours with their key above it, and a cell's status on hover.
MAX_SYMBOL_CELLS = 600


def status_heatmap(*, rows: str, columns: str, status: str, levels: dict[str, tuple[int, str, str]],
                   hover: str | None = None, empty: str, row_order: list[str] | None = None,
                   column_order: list[str] | None = None, legend: bool = False,
                   max_rows: int | None = MAX_MAP_ROWS, row_noun: str = "repositories"):
    """Heat map of ``status`` per (row, column) with one colour and symbol per status; a cell
    without a row in the frame stays blank.  Shared by the adoption, convention and matrix maps.
    With more than ``max_rows`` rows only the worst are drawn (lowest mean level, worst first) and
    the title says so; the CSV keeps every row."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        ys = row_order or _distinct_text(df[rows])
        xs = column_order or _distinct_text(df[columns])
        shown_note = ""
        if max_rows and len(ys) > max_rows:
            level_of = {name: level for name, (level, _, _) in levels.items()}
            worst = (df.select(pl.col(rows).cast(pl.String).alias("row"),
                               pl.col(status).replace_strict(level_of, default=None).alias("level"))
                     .group_by("row").agg(pl.col("level").mean()).sort(["level", "row"], nulls_last=True))
            keep = set(worst["row"].head(max_rows).to_list())
            ys = [y for y in worst["row"].to_list() if y in keep]
            shown_note = f"the {max_rows} of {len(worst):,} {row_noun} with the most gaps (CSV: all)"
            df = df.filter(pl.col(rows).cast(pl.String).is_in(list(keep)))
        cells = {(str(r[rows]), str(r[columns])): r for r in df.iter_rows(named=True)}
        top = max(level for level, _, _ in levels.values()) or 1
        z, text, detail = [], [], []
        for y in ys:
            cell_rows = [cells.get((y, x)) for x in xs]
            z.append([levels[c[status]][0] if c else None for c in cell_rows])
            text.append([levels[c[status]][1] if c else "" for c in cell_rows])
            detail.append([(f"{c[status]}" + (f" · {c[hover]}" if hover and c.get(hover) else "")) if c else ""
                           for c in cell_rows])
        scale = sorted({(level / top, color) for level, _, color in levels.values()})
        symbols = len(ys) * len(xs) <= MAX_SYMBOL_CELLS
        fig = go.Figure(go.Heatmap(
            z=z, x=xs, y=ys, text=text if symbols else None, customdata=detail,
            texttemplate="%{text}" if symbols else None, showscale=False,
            zmin=0, zmax=top, colorscale=[list(s) for s in scale], xgap=2, ygap=2,
            hovertemplate="%{y} · %{x}<br>%{customdata}<extra></extra>"))
        fig.update_layout(height=max(280, 120 + 26 * len(ys)) if not present else None,
                          margin={"t": 110})
        fig.update_yaxes(autorange="reversed", type="category")
        fig.update_xaxes(side="top", type="category", tickangle=-35)
        if legend or shown_note or not symbols:   # what each symbol or colour means, above the map
            key = "   ".join((f"{symbol} {name}" if symbols else f"<span style='color:{color}'>■</span> {name}")
                             for name, (_, symbol, color) in levels.items()) if legend or not symbols else ""
            fig.update_layout(title={"text": "   ·   ".join(t for t in (key, shown_note) if t),
                                     "font": {"size": 13 if not present else 20}, "x": 0, "y": 0.995})
        return apply_house_style(fig, present=present)

    return build


def share_bars(*, label: str, value: str, detail: str, x_title: str, empty: str, color: str = COLORS["primary"],
               max_bars: int | None = None, noun: str = "repositories"):
    """Horizontal bars of a 0..1 share per ``label``, the share and ``detail`` as text; with
    ``max_bars``, the first that many rows (the metric ranks them) and the axis title says of how many."""

    def build(df: pl.DataFrame, filters: Any = None) -> go.Figure:
        present = is_present(filters)
        if df.is_empty():
            return empty_figure(empty, present=present)
        total = df.height
        if max_bars and total > max_bars:
            df = df.head(max_bars)
        title = x_title + (f" (the first {df.height} of {total:,} {noun})" if total > df.height else "")
        names = [str(n) for n in df[label].to_list()]
        values = [v if v is not None else 0 for v in df[value].to_list()]
        text = [f"{v:.0%} ({d})" for v, d in zip(values, df[detail].to_list())]
        fig = go.Figure(go.Bar(x=values, y=names, orientation="h", text=text, textposition="outside",
                               cliponaxis=False, marker={"color": color},
                               hovertemplate="%{y}: %{text}<extra></extra>"))
        fig.update_layout(showlegend=False, xaxis_title=title, bargap=0.3,
                          height=max(260, 60 + 30 * len(names)) if not present else None)
        fig.update_yaxes(autorange="reversed", type="category")
        top = max(values) if values else 0
        fig.update_xaxes(range=[0, 1.12 if top > 0.5 else max(top * 1.3, 0.05)], tickformat=".0%")
        return apply_house_style(fig, present=present)

    return build


register(Chart(
    needs=("repo_content",),
    name="commonality-library-adoption", title="Common-library adoption", page="commonality",
    metric=commonality.library_adoption,
    figure=status_heatmap(rows="repo", columns="library", status="status", levels=ADOPTION, hover="declared_in",
                          empty="No repository content or no common libraries configured.", legend=True),
    order=10, width=7,
    description=("Repositories × the community's common libraries ([commonality] common_libraries and repos "
                 "marked common_library). ✓ a runtime dependency in the repository's manifests, ≈ imported by "
                 "its Python code but not declared, t only a test or doc dependency, ✗ not used (it rolls its "
                 "own). Read at each repository's collected head."),
    empty_message="No repository content or no common libraries configured.",
    csv_note=(f"Download CSV: every repository x library pair; with more than {MAX_MAP_ROWS} repositories the "
              f"map shows the {MAX_MAP_ROWS} with the lowest adoption."),
))
register(Chart(
    needs=("repo_content",),
    name="commonality-adoption-by-team", title="Adoption by team", page="commonality",
    metric=commonality.adoption_by_team,
    figure=share_bars(label="team", value="adoption", detail="declared", x_title="Share of repo × library pairs",
                      empty="No repository content or no common libraries configured."),
    order=15, width=5,
    description=("Per team: the share of (repository, common library) pairs where the repository declares the "
                 "library as a runtime dependency; the number of such pairs in brackets."),
    empty_message="No repository content or no common libraries configured.",
))
register(Chart(
    needs=("repo_content",),
    name="commonality-dependency-drift", title="Dependency drift", page="commonality", section="dependencies",
    metric=commonality.dependency_drift, figure=None, order=20, width=12,
    description=("Dependencies declared by two or more repositories: how many distinct version specifiers they "
                 "use, the global requirement, the version the constraints pin, and the repositories whose "
                 "specifier excludes that version (evaluated with PEP 440 rules)."),
    empty_message="No dependency shared by two repositories for these filters.",
))
register(Chart(
    needs=("repo_content",),
    name="commonality-constraint-conflicts", title="Specifiers that exclude the constrained version",
    page="commonality", section="dependencies", metric=commonality.dependency_conflicts, figure=None, order=25, width=12,
    description="Each declaration (file and line) whose version specifier excludes the version the constraints pin.",
    empty_message="No declaration excludes a constrained version for these filters.",
))
register(Chart(
    needs=("repo_content",),
    name="commonality-drift-by-repo", title="Outside the constraints, by repository", page="commonality", section="dependencies",
    metric=commonality.drift_by_repo, figure=None, order=27, width=6,
    description=("Per repository: distinct dependencies, how many exclude the constrained version, and how many "
                 "the constraints do not pin at all (empty when no constraints are loaded)."),
    empty_message="No dependencies for these filters.",
))
register(Chart(
    needs=("repo_content",),
    name="commonality-duplicate-share", title="Duplicated code share", page="commonality", section="duplicates",
    metric=commonality.duplicate_share,
    figure=share_bars(max_bars=MAX_BARS, label="repo", value="duplicated_share", detail="duplicated_lines",
                      x_title="Share of normalised Python lines also found in another repository",
                      empty="No Python code read for these filters.", color=COLORS["warn"]),
    order=30, width=6,
    description=("Normalised Python lines (comments, docstrings, blanks and imports dropped; names and literals "
                 "folded) inside blocks of 6 or more lines that also appear in another repository, over all of "
                 "the repository's normalised lines; the duplicated lines in brackets."),
    empty_message="No Python code read for these filters.",
    csv_note=f"Download CSV: every repository; the chart draws the {MAX_BARS} with the highest share.",
))
register(Chart(
    needs=("repo_content",),
    name="commonality-duplicate-blocks", title="Most-copied blocks", page="commonality", section="duplicates",
    metric=commonality.duplicate_blocks, figure=None, order=35, width=12,
    description=("Blocks of 6 or more normalised lines found in two or more repositories, most widely copied "
                 "first, with two of their locations and links to the lines (for repositories with a web URL)."),
    empty_message="No code shared between repositories for these filters.",
))

for order, (column, label, fmt, note) in enumerate([
    ("library_adoption", "Common-library adoption", ".0%", "mean share of the common libraries each repo declares"),
    ("drifting_dependencies", "Drifting dependencies", ",d", "shared dependencies with more than one specifier"),
    ("conflicting_repos", "Repos excluding a constrained version", ",d", ""),
    ("duplicated_share", "Duplicated code", ".1%", "of normalised Python lines, shared with another repo"),
]):
    register_kpi(Kpi(name=f"commonality-kpi-{column.replace('_', '-')}", page="commonality", label=label,
                     metric=commonality.summary, column=column, needs=("repo_content",), format=fmt,
                     order=order * 10,
                     description=f"{label}: {note}".rstrip(": ")))
