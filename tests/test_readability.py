"""Readable for the committee: words for codes, partial periods, tabs, colours and the dark theme."""

from __future__ import annotations

from datetime import date

import dash
import plotly.graph_objects as go
import polars as pl
import pytest

from healthdash.dashboard import figures as fg
from healthdash.dashboard.periods import IN_PROGRESS, mark_in_progress, partial_first_period
from healthdash.labels import filters_sentence, label, snake_case, value_label
from healthdash.metrics import parse_filters


def test_one_mapping_from_codes_to_words():
    assert label("bug_filed") == "Bugs filed" and label("core_review") == "Core reviews (+2)"
    assert label("hhi") == "HHI (concentration)" and label("top1_share") == "Top-1 share"
    assert label("median_days_to_fix") == "Median days to fix"          # no entry: its words, capitalised
    assert value_label("verdict", "neither") == "Neither diverse nor single-vendor (between the thresholds)"
    assert value_label("kind", "merged_change") == "Merged changes" and value_label("org", "neither") == "neither"
    assert snake_case("core reviews") == "core_reviews" and snake_case("Top1Share") == "top1_share"


def test_filter_sentence_for_slides():
    storage = parse_filters("team=Storage&kind=review&cycle=2024.2")
    assert filters_sentence(storage, date(2024, 9, 30), date(2025, 4, 2)) == \
        "Team: Storage · Reviews · Release cycle 2024.2: 30 Sep 2024 – 2 Apr 2025"
    assert filters_sentence(parse_filters("")) == "All teams · all time"


MONTHS = [date(2024, 9, 1), date(2024, 10, 1), date(2024, 11, 1)]


def test_a_cycle_starting_30_september_marks_september_partial():
    assert partial_first_period(MONTHS, date(2024, 9, 30)) == (1, date(2024, 9, 1), date(2024, 9, 30))
    assert partial_first_period(MONTHS, date(2024, 9, 1)) is None      # the whole month is in
    df = pl.DataFrame({"month": MONTHS, "n": [1, 30, 28]})
    bars = go.Figure(go.Bar(x=df["month"].to_list(), y=df["n"].to_list()))
    marked = mark_in_progress(bars, date(2024, 11, 30), start=date(2024, 9, 30))
    # The first bar is lighter and hatched, the others untouched, the values kept.
    assert list(marked.data[0].marker.opacity) == [0.45, 1.0, 1.0] and list(marked.data[0].y) == [1, 30, 28]
    note = next(a.text for a in marked.layout.annotations if a.name == IN_PROGRESS)
    assert note == "Sep 2024: partial month, from 30 Sep"
    line = fg.line_over_time(x="month", y="n")(df, None)
    both = mark_in_progress(line, date(2024, 11, 12), start=date(2024, 9, 30), data_end=date(2024, 11, 12))
    assert next(a.text for a in both.layout.annotations if a.name == IN_PROGRESS) == \
        "Sep 2024: partial month, from 30 Sep · Nov 2024: month in progress, data to 12 Nov"
    overlays = [t for t in both.data if t.name == IN_PROGRESS]
    assert [list(t.x) for t in overlays] == [MONTHS[:2], MONTHS[:2], MONTHS[1:], MONTHS[1:]]


def test_dark_theme_recolours_a_finished_figure():
    df = pl.DataFrame({"org": ["Acme", "Globex"], "n": [3, 1]})
    fig = fg.bar_top(label="org", value="n")(df, parse_filters("theme=dark", extra_keys=("theme",)))
    dark = fg.apply_theme(fig, dark=True)
    assert dark.layout.paper_bgcolor == fg.DARK["background"] and dark.layout.font.color == fg.DARK["text"]
    assert list(dark.data[0].marker.color) == [fg.org_color("Acme"), fg.org_color("Globex")]  # organisations keep theirs
    assert fg.is_dark(parse_filters("theme=dark", extra_keys=("theme",)))
    light = fg.bar_top(label="org", value="n")(df, None)
    light = fg.apply_theme(light, dark=False)  # the house template carries the light colours
    assert (light.layout.paper_bgcolor or light.layout.template.layout.paper_bgcolor) == fg.COLORS["background"]


@pytest.fixture(scope="module")
def app(participation_warehouse):
    from healthdash.dashboard.app import create_app

    return create_app(warehouse=participation_warehouse)


def _ids(component) -> list[str]:
    found = []
    stack = [component]
    while stack:
        node = stack.pop()
        if getattr(node, "id", None) and isinstance(node.id, str) and node.id.startswith("card-"):
            found.append(node.id[5:])
        children = getattr(node, "children", None)
        stack.extend(children if isinstance(children, (list, tuple)) else [children] if children is not None
                     and not isinstance(children, (str, int, float)) else [])
    return found


def test_participation_tabs_lay_out_only_the_open_tabs_charts(app):
    layout = dash.page_registry["healthdash.dashboard.pages.participation"]["layout"]
    first = _ids(layout())
    assert "commits-by-org" in first and "reviews-by-org" not in first and "governance-view" not in first
    reviews = _ids(layout(tab="reviews", team="compute"))
    assert sorted(reviews) == ["review-activity", "reviews-by-org"]
    governance = _ids(layout(tab="governance"))
    assert "governance-view" in governance and "commits-by-org" not in governance
    assert _ids(layout(tab="no-such-tab")) == first                 # an unknown tab opens the first
    # Every participation chart sits in exactly one tab.
    tabs = [first, reviews, _ids(layout(tab="people")), governance]
    assert sum(len(t) for t in tabs) == len(set().union(*tabs))
    from healthdash.dashboard import charts as registry

    assert set().union(*tabs) == {c.name for c in registry.for_page("participation")}


def test_png_is_twice_slide_size_and_named_like_the_csv():
    from healthdash.export import file_stem

    stem = file_stem("top-organisations", parse_filters("team=Storage"), date(2025, 4, 2))
    options = fg.graph_config("top-organisations", filename=stem)["toImageButtonOptions"]
    # 1600 x 900 at scale 2: a 3200 x 1800 PNG, named top-organisations-team-Storage-2025-04-02.png.
    assert options == {"format": "png", "filename": "top-organisations-team-Storage-2025-04-02",
                       "width": 1600, "height": 900, "scale": 2}
