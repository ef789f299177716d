"""Margins reserved for a chart's labels (healthdash.dashboard.margins), checked by hand.

EM = 0.62 of the font size per character, TICK_PAD = 8, LEGEND_SYMBOL = 46; plotly's own
measure in the browser is checked in tests/test_browser_first_draw.py.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pytest

from healthdash.dashboard.margins import reserve_margins, text_width


def _fig(*traces, **layout) -> go.Figure:
    fig = go.Figure(list(traces))
    fig.update_layout(font={"size": 13}, margin={"l": 56, "r": 24, "t": 24, "b": 44},
                      xaxis={"tickfont": {"size": 12}}, yaxis={"tickfont": {"size": 12}})
    fig.update_layout(**layout)
    return fig


def test_text_width_counts_the_longest_line_without_tags():
    assert text_width("abcd", 10) == pytest.approx(0.62 * 10 * 4)
    assert text_width("ab<br>abcdef", 10) == pytest.approx(0.62 * 10 * 6)
    # bold is a tenth wider: 9 letters of "Community"
    assert text_width("<b>Community</b>", 12) == pytest.approx(0.62 * 12 * 9 * 1.1)


def test_left_margin_holds_the_longest_category_label():
    fig = _fig(go.Bar(x=[3, 1], y=["a" * 20, "bb"], orientation="h"))
    reserve_margins(fig)
    # 0.62 * 12 * 20 = 148.8, + 8 pad = 156.8 -> 157
    assert fig.layout.margin.l == 157
    # a title on the axis: + 13 * 1.25 + 15 standoff = 31.25 -> 188.05 -> 189
    fig = _fig(go.Bar(x=[3, 1], y=["a" * 20, "bb"], orientation="h"), yaxis_title="Organisation")
    assert reserve_margins(fig).layout.margin.l == 189


def test_margins_only_ever_widen():
    fig = _fig(go.Bar(x=[1], y=["ab"], orientation="h"))
    fig.update_layout(margin={"l": 300})
    assert reserve_margins(fig).layout.margin.l == 300
    assert fig.layout.margin.r == 24 and fig.layout.margin.t == 24


def test_vertical_legend_on_the_right():
    fig = _fig(go.Scatter(x=[1, 2], y=[1, 2], name="Alpha"), go.Scatter(x=[1, 2], y=[2, 3], name="Commits by organisation"),
               legend={"font": {"size": 12}})
    reserve_margins(fig)
    # 46 symbol + 0.62 * 12 * 23 = 171.12 + 24 = 241.12 -> 242
    assert fig.layout.margin.r == 242
    # one trace: no legend, no room
    single = _fig(go.Scatter(x=[1, 2], y=[1, 2], name="Alpha"))
    assert reserve_margins(single).layout.margin.r == 24


def test_horizontal_legend_below_widens_the_bottom():
    fig = _fig(go.Scatter(x=[1, 2], y=[1, 2], name="A"), go.Scatter(x=[1, 2], y=[2, 3], name="B"),
               legend={"orientation": "h", "y": -0.18, "font": {"size": 12}}, height=450)
    reserve_margins(fig)
    # plot = 450 - 24 = 426; one row (2 * (46 + 7.44) < 650) of 13 * 1.6 + 14 = 34.8 px
    # (0.18 * 426 + 34.8) / 1.18 + 4 = (76.68 + 34.8) / 1.18 + 4 = 98.47... -> 99
    assert fig.layout.margin.b == 99


def test_turned_labels_on_top_widen_top_and_right():
    labels = ["Contributing guide", "README", "Licence"]
    fig = _fig(go.Heatmap(x=labels, y=["r1", "r2"], z=[[1, 0, 1], [0, 1, 1]], showscale=False),
               xaxis={"side": "top", "tickangle": -35, "tickfont": {"size": 12}})
    reserve_margins(fig)
    import math
    widest = 0.62 * 12 * 18                                    # 133.92
    height = widest * math.sin(math.radians(35)) + 12 * math.cos(math.radians(35)) + 8
    assert fig.layout.margin.t == math.ceil(height)            # 76.81 + 9.83 + 8 = 94.64 -> 95
    assert fig.layout.margin.r == math.ceil(widest * math.cos(math.radians(35)))   # 109.70 -> 110
    assert fig.layout.margin.b == 44                           # no labels at the bottom


def test_dates_are_not_category_labels():
    days = [date(2024, m, 1) for m in range(1, 7)]
    iso = [d.isoformat() for d in days]
    for xs in (days, iso):
        fig = _fig(go.Scatter(x=xs, y=[1, 2, 3, 4, 5, 6]), xaxis={"tickformat": "%b %Y", "dtick": "M1",
                                                                    "tickfont": {"size": 12}})
        reserve_margins(fig)
        # one line: 12 * 1.4 + 8 = 24.8, under the 44 already there
        assert fig.layout.margin.b == 44


def test_a_colour_bar_and_a_right_axis_take_the_right_margin():
    fig = _fig(go.Heatmap(x=["a", "b"], y=["r"], z=[[1, 2]]))
    assert reserve_margins(fig).layout.margin.r == 84          # COLORBAR
    fig = _fig(go.Bar(x=[1, 2], y=[5, 6], name="Fixed"),
               go.Scatter(x=[1, 2], y=[0.5, 0.7], name="Share", yaxis="y2"),
               yaxis2={"side": "right", "overlaying": "y", "tickformat": ".0%", "title": {"text": "Share"},
                       "tickfont": {"size": 12}},
               legend={"font": {"size": 12}})
    reserve_margins(fig)
    # legend: 46 + 0.62 * 12 * 5 + 24 = 107.2; right axis: "100%" 0.62 * 12 * 4 = 29.76 + 8 + 13 * 1.25 + 15
    # = 69.01: the legend is drawn over the axis labels, so the wider of the two: 108
    assert fig.layout.margin.r == 108
