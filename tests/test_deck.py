"""The slide deck: ``healthdash export slides`` and the "Download slides" zip, on the fixture warehouse.

Numbers in the takeaways are counted by hand from conftest's PARTICIPATION_FIXTURE
(bots excluded): contributions per organisation are Acme 5 (alice's 3 commits,
erin's February commit while at Acme, alice's merged change), Globex 4 (bob's 2
commits, erin's March commit, bob's review), Initech 3 (dave's commits) and
Independent 1 (carol): 13 in all, so Acme's share is 5/13 = 38%.
Commits per month: January alice 2 + bob 1 + dave 1 = 4; February carol, erin,
dave = 3; March erin, bob, dave, alice = 4 (the zuul bot's is left out).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from datetime import date

import duckdb
import polars as pl
import pytest

from healthdash.dashboard import charts as registry
from healthdash.deck import deck_charts, deck_zip, write_deck
from healthdash.metrics import parse_filters
from healthdash.takeaways import chart_takeaway, takeaway


@pytest.fixture()
def con(participation_warehouse):
    connection = duckdb.connect(str(participation_warehouse), read_only=True)
    yield connection
    connection.close()


def test_takeaways_are_computed_from_the_frame(con):
    charts = registry.load_all()
    top = charts["top-organisations"].metric(con, parse_filters(""))
    assert chart_takeaway("top-organisations", top) == "Acme leads: 5 contributions (38% of the total)."
    commits = charts["commits-by-org"].metric(con, parse_filters(""))
    # Monthly totals 4, 3, 4; the data end (25 Mar) falls inside March, which is said.
    assert chart_takeaway("commits-by-org", commits, date(2024, 3, 25)) == \
        "Mar 2024 (to 25 Mar): 4 commits; Jan 2024: 4."
    assert chart_takeaway("commits-by-org", commits, date(2024, 3, 31)) == "Mar 2024: 4 commits; Jan 2024: 4."


def test_generic_takeaway_shapes():
    # A trend with a peak inside: 2 -> 9 -> 5.
    trend = pl.DataFrame({"month": [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)], "bugs_fixed": [2, 9, 5]})
    assert takeaway(trend) == "Mar 2025: 5 bugs fixed; Jan 2025: 2; peak 9 in Feb 2025."
    # A rate per label: the highest, as a percentage.
    rate = pl.DataFrame({"repo": ["nova", "swift"], "line_coverage": [0.61, 0.874]})
    assert takeaway(rate) == "Highest line coverage: swift, 87%."
    # Counts per label: 30 of 40 = 75%.
    counts = pl.DataFrame({"org": ["Acme", "Globex"], "reviews": [30, 10]})
    assert takeaway(counts) == "Acme leads with 30 of 40 reviews (75%)."
    assert takeaway(pl.DataFrame({"x": ["a"]})) == "" and takeaway(pl.DataFrame()) == ""


def test_export_slides_writes_an_offline_deck_and_one_svg_per_slide(con, tmp_path):
    charts = registry.load_all()
    filters = parse_filters("")
    written = write_deck(con, charts, None, filters, tmp_path)
    page = (tmp_path / "index.html").read_text("utf-8")
    with_data = [c for c in deck_charts(charts) if not c.metric(con, filters).is_empty()]
    without = [c for c in deck_charts(charts) if c not in with_data]
    # A title slide and one 16:9 slide per chart with data, in the navigation's order.
    assert page.count('<section class="slide') == 1 + len(with_data)
    assert re.findall(r'<section class="slide" id="([^"]+)"', page) == [c.name for c in with_data]
    # Self-contained: plotly.js and the deck stylesheet inlined, nothing fetched from anywhere.
    assert "plotly.js v" in page and ".slide.active" in page
    assert not re.search(r'<(script|link)[^>]+(src|href)=', page)
    # Context on every slide: filters, period and the data's last day.
    assert page.count("<span>All teams · all data to 25 Mar 2024</span>") == len(with_data)
    assert "data to 25 Mar 2024 · healthdash" in page
    assert "Acme leads: 5 contributions (38% of the total)." in page
    assert "No data for these filters, so left out: " + without[0].title in page
    svgs = sorted(p.name for p in written if p.suffix == ".svg")
    assert svgs == sorted(f"{c.name}-all-2024-03-25.svg" for c in with_data)
    head = (tmp_path / svgs[0]).read_text("utf-8")[:300]
    assert head.startswith("<svg") and 'width="1600"' in head and 'height="900"' in head


def test_download_slides_zip_holds_the_deck_and_svgs_of_the_view(con):
    name, data = deck_zip(con, registry.load_all(), ["commits-by-org", "top-organisations"],
                          parse_filters("team=compute&theme=dark", extra_keys=("theme",)))
    assert name == "slides-team-compute-2024-03-25.zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert names == ["commits-by-org-team-compute-2024-03-25.svg", "index.html",
                     "top-organisations-team-compute-2024-03-25.svg"]
    page = zipfile.ZipFile(io.BytesIO(data)).read("index.html").decode("utf-8")
    assert '<body class="deck dark">' in page and "Team: compute" in page


def test_export_slides_without_a_browser_for_kaleido_fails_in_one_line(participation_warehouse, tmp_path):
    config = tmp_path / "healthdash.toml"
    config.write_text(f'warehouse = "{participation_warehouse}"\n')
    done = subprocess.run([sys.executable, "-m", "healthdash.cli", "export", "slides", "commits-by-org",
                           "--config", str(config), "-o", str(tmp_path / "deck")], capture_output=True, text=True,
                          env={"BROWSER_PATH": "/nonexistent/chromium", "PATH": "/nonexistent", "HOME": str(tmp_path)})
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot draw the SVGs with kaleido" in lines[0] and "Traceback" not in done.stderr
