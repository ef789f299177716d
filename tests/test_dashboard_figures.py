"""House style: stable organisation colours, fixed greys, empty states, presentation mode."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import polars as pl

from healthdash.dashboard import figures as fg
from healthdash.metrics import parse_filters

MONTHLY = pl.DataFrame({
    "month": [date(2024, 1, 1), date(2024, 1, 1), date(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 1)],
    "org": ["Acme", "Others", "Acme", "Independent", "Globex"],
    "commits": [3, 1, 2, 1, 5],
})


def test_an_organisation_keeps_its_colour_across_charts():
    fg.assign_org_colors(["Acme", "Globex", "Initech"])
    alone = fg.color_map(["Acme"])["Acme"]
    # Whatever else a figure holds, and in whatever order of size, Acme keeps its colour.
    assert fg.color_map(["Globex", "Acme", "Initech"])["Acme"] == alone == fg.org_color("Acme")
    assert fg.color_map(["Initech", "Acme"])["Acme"] == alone


def test_known_organisations_get_distinct_colours_and_fixed_categories_grey():
    names = [f"Org {i}" for i in range(15)]
    fg.assign_org_colors(names + ["Others", "Independent"])
    colors = fg.color_map(names + ["Others", "Independent", "Unknown"])
    named = [colors[n] for n in names]
    assert len(set(named)) == 15                     # 15 organisations, 17 palette colours: no two alike
    assert colors["Others"] == fg.FIXED_COLORS["Others"] == "#BDBDBD"
    assert colors["Independent"] == fg.FIXED_COLORS["Independent"]
    assert colors["Unknown"] == fg.FIXED_COLORS["Unknown"]
    assert not set(fg.FIXED_COLORS.values()) & set(named)
    # By name, not by rank: the assignment of the same names in another order is the same.
    assert fg.assign_org_colors(list(reversed(names))) == {n: colors[n] for n in names}
    # The palette is the file served with the page.
    assert list(fg.PALETTE) == __import__("json").loads(
        (__import__("healthdash.assets").assets.assets_dir() / "org-palette.json").read_text())["colors"]


def test_stacked_area_orders_biggest_first_and_fixed_categories_last():
    fig = fg.area_over_time(x="month", y="commits", series="org")(MONTHLY, None)
    # Totals: Globex 5, Acme 5 (tie -> by name: Acme first), Independent 1, Others 1 (fixed, last).
    assert [t.name for t in fig.data] == ["Acme", "Globex", "Independent", "Others"]
    assert all(t.stackgroup == "one" for t in fig.data)
    assert fig.data[3].fillcolor == fg.FIXED_COLORS["Others"]
    assert fig.layout.xaxis.dtick == "M1"


def test_month_ticks_thin_out_on_long_spans():
    long = pl.DataFrame({"month": [date(2015, 1, 1), date(2024, 12, 1)], "v": [1, 2]})
    fig = fg.line_over_time(x="month", y="v")(long, None)
    assert fig.layout.xaxis.dtick == "M12"


def test_line_charts_start_their_value_axis_at_zero():
    df = pl.DataFrame({"month": [date(2024, 1, 1), date(2024, 2, 1)], "v": [2.1, 2.2]})
    assert fg.line_over_time(x="month", y="v")(df, None).layout.yaxis.rangemode == "tozero"


def test_empty_frame_gives_the_message_not_an_error():
    fig = fg.bar_top(label="org", value="n", empty="Nothing here.")(pl.DataFrame({"org": [], "n": []}), None)
    assert fig.layout.annotations[0].text == "Nothing here."
    assert fig.layout.xaxis.visible is False


def test_presentation_mode_uses_large_type_and_slide_sized_exports():
    present = parse_filters("present=1", extra_keys=("present",))
    assert fg.is_present(present) and not fg.is_present(parse_filters(""))
    big = fg.area_over_time(x="month", y="commits", series="org")(MONTHLY, present)
    small = fg.area_over_time(x="month", y="commits", series="org")(MONTHLY, None)
    assert big.layout.font.size > small.layout.font.size >= 12
    config = fg.graph_config("commits-by-org", present=True)
    assert config["toImageButtonOptions"]["width"] == 1600 and config["toImageButtonOptions"]["height"] == 900
    assert config["displayModeBar"] is False


def test_figures_and_charts_do_not_import_dash():
    code = ("import sys; import healthdash.dashboard.figures, healthdash.dashboard.charts as c; c.load_all(); "
            "print('dash' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_small_counts_get_whole_number_ticks_but_ratios_do_not():
    counts = fg.bar_top(label="org", value="n")(pl.DataFrame({"org": ["A", "B"], "n": [3, 1]}), None)
    assert counts.layout.xaxis.dtick == 1
    ratios = fg.bar_top(label="org", value="r")(pl.DataFrame({"org": ["A", "B"], "r": [0.7, 0.2]}), None)
    assert ratios.layout.xaxis.dtick is None


def test_many_lines_beyond_ten_share_one_grey_trace_with_every_point():
    from datetime import date

    import polars as pl

    from healthdash.dashboard.figures import MAX_LINES, line_over_time

    # 12 projects x 3 months; project p00 is the biggest (sum of y), p11 the smallest
    rows = [{"project": f"p{i:02d}", "month": date(2024, m, 1), "v": (12 - i) * 10 + m}
            for i in range(12) for m in (1, 2, 3)]
    fig = line_over_time(x="month", y="v", series="project")(pl.DataFrame(rows))
    others, *lines = fig.data
    assert [t.name for t in lines] == [f"p{i:02d}" for i in range(MAX_LINES)]       # the 10 biggest, own lines
    assert others.name == "2 others" and list(others.text) == ["p10"] * 3 + [None] + ["p11"] * 3 + [None]
    # every point kept: p10 = 20 + month, p11 = 10 + month, each line broken after its last month
    assert list(others.y) == [21, 22, 23, None, 11, 12, 13, None]
    assert fig.layout.hovermode == "closest"


def test_test_line_share_draws_the_25_repositories_with_most_changed_lines():
    import polars as pl

    from healthdash.dashboard.charts.quality import MAX_SHARE_BARS, test_share_figure

    # 30 repos; r00 has 30 changed lines ... r29 has 1: the 25 biggest are r00..r24
    df = pl.DataFrame({"repo": [f"r{i:02d}" for i in range(30)], "changed_lines": [30 - i for i in range(30)],
                       "test_share": [0.5] * 30})
    fig = test_share_figure(df)
    assert MAX_SHARE_BARS == 25 and list(fig.data[0].y) == [f"r{i:02d}" for i in range(25)]
    assert "of 30" in fig.layout.xaxis.title.text


def test_rankings_draw_at_most_twenty_five_bars_and_say_of_how_many():
    from healthdash.dashboard.charts.quality import MAX_COVERAGE_ROWS, project_coverage_figure
    from healthdash.dashboard.figures import MAX_BARS, bar_top

    # 40 organisations ranked biggest first (the metric's order): org-00 has 40 reviews, org-39 has 1
    df = pl.DataFrame({"org": [f"org-{i:02d}" for i in range(40)], "reviews": list(range(40, 0, -1))})
    fig = bar_top(label="org", value="reviews", x_title="Reviews")(df)
    assert list(fig.data[0].y) == [f"org-{i:02d}" for i in range(MAX_BARS)] and MAX_BARS == 25
    assert fig.layout.xaxis.title.text == "Reviews (the 25 biggest of 40)"
    assert bar_top(label="org", value="reviews", x_title="Reviews")(df.head(5)).layout.xaxis.title.text == "Reviews"
    # 30 projects: the 25 with the most measured lines (p-05..p-29: 600..2,900 lines), best coverage first
    projects = pl.DataFrame({"project": [f"p-{i:02d}" for i in range(30)], "lines_valid": [100 * i + 100 for i in range(30)],
                             "line_coverage": [i / 30 for i in range(30)], "branch_coverage": [None] * 30,
                             "repos_measured": [1] * 30})
    fig = project_coverage_figure(projects)
    assert list(fig.data[0].y) == [f"p-{i:02d}" for i in range(29, 4, -1)] and MAX_COVERAGE_ROWS == 25
    assert "(25 largest of 30 projects)" in fig.layout.xaxis.title.text


def test_security_ranking_and_hygiene_map_draw_the_worst_and_say_so():
    from healthdash.dashboard.charts.security import hygiene_figure, open_by_project_figure

    # 30 projects, p-k with k + 1 open bugs: the 25 with the most are p-29 .. p-05
    df = pl.DataFrame({"project": [f"p-{k:02d}" for k in range(30)], "open_bugs": [k + 1 for k in range(30)],
                       "median_age_days": [1.0] * 30, "oldest_age_days": [2.0] * 30})
    fig = open_by_project_figure(df)
    assert list(fig.data[0].y) == [f"p-{k:02d}" for k in range(29, 4, -1)]
    assert "(the 25 projects with the most, of 30)" in fig.layout.xaxis.title.text
    # 70 repositories: r-00..r-09 miss both checks, r-10..r-29 one, the rest none -> 60 shown, worst first
    repos = pl.DataFrame({"repo": [f"r-{k:02d}" for k in range(70)],
                          "security_policy": [k >= 10 for k in range(70)],
                          "dependency_constraints": [k >= 30 for k in range(70)],
                          "security_policy_detail": [""] * 70, "dependency_constraints_detail": [""] * 70})
    fig = hygiene_figure(repos)
    assert list(fig.data[0].y)[:10] == [f"r-{k:02d}" for k in range(10)] and len(fig.data[0].y) == 60
    assert "60 of 70 repositories with the most missing checks" in fig.layout.title.text
    assert "title" not in hygiene_figure(repos.head(5)).layout.to_plotly_json()


def test_a_bar_whose_share_is_missing_shows_its_count_alone():
    # a share is NULL where its total is zero: "3 (75%)" and "0", not a formatting error
    fig = fg.bar_top(label="org", value="n", share="s")(
        pl.DataFrame({"org": ["A", "B"], "n": [3, 0], "s": [0.75, None]}), None)
    assert list(fig.data[0].text) == ["3 (75%)", "0"]
