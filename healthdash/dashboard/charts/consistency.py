"""Consistency charts (issue 10): the convention matrix and feature matrices.

Registers the Consistency page's charts and KPIs, tying
:mod:`healthdash.metrics.consistency` to figure builders (the heat map and
share bars are shared with :mod:`healthdash.dashboard.charts.commonality`).
The matrix and the two compared targets come from the URL (``matrix``,
``target_a``, ``target_b``), set by the page's picker.  No Dash import.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import Chart, Kpi, register, register_kpi
from healthdash.dashboard.charts.commonality import MAX_MAP_ROWS, share_bars, status_heatmap
from healthdash.dashboard.figures import COLORS, apply_house_style, empty_figure, is_present
from healthdash.metrics import consistency

CHECK = {"passed": (1, "✓", COLORS["good"]), "hole": (0, "✗", COLORS["bad"])}   # blank: does not apply
STATUS = {"complete": (4, "●", COLORS["good"]), "partial": (3, "◐", COLORS["warn"]),
          "unknown": (2, "?", COLORS["neutral"]), "missing": (1, "✗", COLORS["bad"]),
          "not listed": (0, "–", "#ECEFF3")}


def _convention_cells(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.when(pl.col("passed")).then(pl.lit("passed")).otherwise(pl.lit("hole")).alias("cell"))


def convention_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Repositories x checks: ✓ green passed, ✗ red hole; what was found or is missing in the hover."""
    df = _convention_cells(df) if not df.is_empty() else df
    order = (df.sort("position")["check_title"].unique(maintain_order=True).to_list() if not df.is_empty() else None)
    return status_heatmap(rows="repo", columns="check_title", status="cell", levels=CHECK, hover="detail",
                          column_order=order, empty="No repository content read for these filters.",
                          legend=True)(df, filters)


def feature_matrix_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """Features x targets of one matrix, coloured by status; notes in the hover."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No feature matrix collected.", present=present)
    matrix = df["matrix"][0]
    df = df.filter(pl.col("matrix") == matrix).with_columns(
        (pl.col("feature_title") + pl.lit("  ")).alias("feature_label"))
    targets = df.group_by("target_title").agg((pl.col("status") == "complete").sum().alias("n")).sort(
        ["n", "target_title"], descending=[True, False])["target_title"].to_list()
    fig = status_heatmap(rows="feature_label", columns="target_title", status="status", levels=STATUS,
                         hover="notes", column_order=targets, empty="", legend=True, max_rows=None)(df, filters)
    if not present:
        fig.update_layout(height=max(320, 140 + 18 * df["feature"].n_unique()))
    fig.update_yaxes(tickfont={"size": 11 if not present else 16})
    fig.layout.title.text = f"{matrix}:   {fig.layout.title.text}"
    return fig


register(Chart(
    needs=("repo_content",),
    name="consistency-conventions", title="Convention matrix", page="consistency",
    metric=consistency.convention_matrix, figure=convention_figure, order=10, width=12,
    description=("Repositories × conventions at each repository's collected head: licence, README, contributing "
                 "guide, tests, docs, release notes, CI configuration, declared Python versions, lint "
                 "configuration, security policy, use of the common configuration and logging libraries (from "
                 "imports), and whether every manifest could be read. ✗ marks a hole; the hover says what was "
                 "found or what is missing."),
    empty_message="No repository content read for these filters.",
    csv_note=(f"Download CSV: every repository x convention; with more than {MAX_MAP_ROWS} repositories the "
              f"matrix shows the {MAX_MAP_ROWS} with the most holes."),
))
register(Chart(
    needs=("repo_content",),
    name="consistency-adoption-by-check", title="Adoption per convention", page="consistency",
    metric=consistency.adoption_by_check,
    figure=share_bars(label="check_title", value="adoption", detail="passed", x_title="Share of repositories",
                      empty="No repository content read for these filters."),
    order=20, width=6,
    description="Per convention: the share of repositories that follow it (their number in brackets).",
    empty_message="No repository content read for these filters.",
))
register(Chart(
    needs=("repo_content",),
    name="consistency-conformance", title="Conformance per repository", page="consistency",
    metric=consistency.conformance_by_repo, figure=None, order=25, width=6,
    description="Per repository: conventions followed over conventions checked, least conforming first, with its holes.",
    empty_message="No repository content read for these filters.",
))
register(Chart(
    needs=("feature_matrix",),
    name="consistency-feature-matrix", title="Feature matrix", page="consistency", section="features",
    metric=consistency.feature_cells, figure=feature_matrix_figure, order=30, width=8,
    description=("Features × targets (e.g. hypervisor drivers) of the chosen feature matrix, targets ordered by "
                 "the number of complete features; a feature a target does not list is shown as not listed."),
    empty_message="No feature matrix collected.",
))
register(Chart(
    needs=("feature_matrix",),
    name="consistency-completeness", title="Completeness per target", page="consistency", section="features",
    metric=consistency.feature_completeness,
    figure=share_bars(label="target_title", value="completeness", detail="complete",
                      x_title="(complete + ½ partial) / features", empty="No feature matrix collected.",
                      color=COLORS["good"]),
    order=35, width=4,
    description="Per target: (complete + ½ partial) / features of the matrix; complete features in brackets.",
    empty_message="No feature matrix collected.",
))
register(Chart(
    needs=("feature_matrix",),
    name="consistency-feature-differences", title="Where two targets differ", page="consistency", section="features",
    metric=consistency.feature_differences, figure=None, order=40, width=6,
    description=("Features whose status differs between the two targets chosen above (by default the two most "
                 "complete), with their notes."),
    empty_message="The two targets support the same features.",
))
register(Chart(
    needs=("feature_matrix",),
    name="consistency-feature-holes", title="Holes to plug", page="consistency", section="features",
    metric=consistency.feature_holes, figure=None, order=45, width=6,
    description="Every cell of the matrix that is missing, unknown or not listed, by target, with the feature's maturity.",
    empty_message="No holes: every target supports every feature.",
))

for order, (column, label, fmt, note, text) in enumerate([
    ("conformance", "Convention conformance", ".0%", "checks passed over checks, all repositories", None),
    ("weakest_check_adoption", "Weakest convention", ".0%", "adoption of the least followed check",
     "weakest_check"),
    ("matrix_completeness", "Feature-matrix completeness", ".0%", "mean over targets", None),
    ("holes", "Feature-matrix holes", ",d", "missing, unknown or not listed cells", None),
]):
    register_kpi(Kpi(name=f"consistency-kpi-{column.replace('_', '-')}", page="consistency", label=label,
                     metric=consistency.summary, column=column,
                     needs=("feature_matrix",) if "matrix" in column or column == "holes" else ("repo_content",),
                     format=fmt, order=order * 10,
                     description=f"{label}: {note}", text_column=text))
