"""The scorecard chart (issue 13): teams x areas, red / amber / green with the score and its trend.

Registers chart ``scorecard`` for the top of the Overview, tying
:func:`healthdash.metrics.scorecard.scorecard` to a pure figure builder.  Each
cell's hover is its detail (inputs, formula); its ``customdata`` is the link
to the area's page filtered to the team and cycle, which the Overview's click
callback follows.  No Dash import.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import polars as pl

from healthdash.dashboard.charts import Chart, reads_except, register
from healthdash.dashboard.figures import COLORS, apply_house_style, empty_figure, is_present
from healthdash.metrics import scorecard
from healthdash.settings import SCORECARD_DEFAULTS

#: Cell fills (pastel, so the dark score reads on every one) by rating.
FILLS = {"no data": "#EEF0F3", "red": "#F4B4B0", "amber": "#F9DE9A", "green": "#B5DFC0"}
_CODES = {"no data": 0, "red": 1, "amber": 2, "green": 3}
_SCALE = [[0.0, FILLS["no data"]], [0.25, FILLS["no data"]], [0.25, FILLS["red"]], [0.5, FILLS["red"]],
          [0.5, FILLS["amber"]], [0.75, FILLS["amber"]], [0.75, FILLS["green"]], [1.0, FILLS["green"]]]
ARROWS = {"up": "▲", "down": "▼", "steady": "→"}


def cell_text(row: dict[str, Any]) -> str:
    """'84 ▲ +11', '91 → 0', '72' (no previous cycle) or 'no data'."""
    if row["score"] is None:
        return "no data"
    if row["trend"] is None:
        return f"{row['score']}"
    change = row["change"]
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return f"{row['score']} {ARROWS[row['trend']]} {sign}{abs(change)}"


def _detail(row: dict[str, Any]) -> str:
    head = f"<b>{row['team']} · {row['area_label']}</b>: "
    head += "no data" if row["score"] is None else f"{row['score']} ({row['rating']})"
    if row["previous_score"] is not None:
        head += f", {row['previous_cycle']}: {row['previous_score']}"
    inputs = "<br>".join(row["inputs"].split("; "))
    formula = row["formula"].replace("; ", "<br>")
    return f"{head}<br><br>{inputs}<br><br><i>{formula}</i><br><br>Click to open {row['area_label']}"


def scorecard_target(click_data: Any) -> str | None:
    """The page a clicked cell opens (its customdata: a path of this app), or None."""
    points = (click_data or {}).get("points") or []
    link = points[0].get("customdata") if points else None
    return link if isinstance(link, str) and link.startswith("/") and not link.startswith("//") else None


def scorecard_figure(df: pl.DataFrame, filters: Any = None) -> go.Figure:
    """One row per team (the community last, in bold), one column per area."""
    present = is_present(filters)
    if df.is_empty():
        return empty_figure("No teams configured: the scorecard needs [[teams]].", present=present)
    areas = [label for _, label, _ in scorecard.AREAS]
    teams = list(dict.fromkeys(df["team"].to_list()))
    cells = {(r["team"], r["area_label"]): r for r in df.iter_rows(named=True)}
    grid = [[cells[(team, area)] for area in areas] for team in teams]
    fig = go.Figure(go.Heatmap(
        z=[[_CODES[c["rating"]] for c in row] for row in grid], x=areas,
        y=[f"<b>{t}</b>" if t == scorecard.COMMUNITY else t for t in teams],
        text=[[cell_text(c) for c in row] for row in grid], texttemplate="%{text}",
        textfont={"size": 24 if present else 15, "color": COLORS["text"]},
        hovertext=[[_detail(c) for c in row] for row in grid], hovertemplate="%{hovertext}<extra></extra>",
        customdata=[[c["link"] for c in row] for row in grid],
        colorscale=_SCALE, zmin=-0.5, zmax=3.5, showscale=False, xgap=4, ygap=4))
    first = df.row(0, named=True)
    period = f"{first['cycle']}" + (f" · arrows: change since {first['previous_cycle']}"
                                    if first["previous_cycle"] else " · no earlier release cycle to compare")
    fig.update_layout(height=None if present else 110 + 52 * len(teams),
                      title={"text": period, "font": {"size": 20 if present else 13, "color": COLORS["muted"]},
                             "x": 0, "xanchor": "left"},
                      hoverlabel={"align": "left"})
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False)
    fig.update_xaxes(side="top", title=None, showgrid=False)
    return apply_house_style(fig, present=present)


register(Chart(
    name="scorecard", title="Scorecard", page="overview", metric=scorecard.scorecard,
    reads=reads_except("project", "repo", "org", "kind"),     # whole teams are scored (see description)
    figure=scorecard_figure, order=0, width=12,
    description=("Each team's commonality, consistency, security, quality and neutrality scored 0–100 from "
                 "the numbers the area pages show, for one release cycle (the one in the filters, else the "
                 "latest at least half over), with the change since the cycle before. Formula: "
                 + scorecard.FORMULA.format(**SCORECARD_DEFAULTS) + " (thresholds in [scorecard]). "
                 "'no data' where an area is not collected. Hover a cell for its inputs; click it to open "
                 "the area filtered to the team. Whole teams are scored: the team filter picks rows, the "
                 "project, repository, organisation and contribution filters do not apply."),
    empty_message="No teams configured: the scorecard needs [[teams]].",
))
