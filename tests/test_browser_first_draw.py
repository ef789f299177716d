"""A page's first drawing in headless Chromium: plotly.js off the critical path, each chart drawn once.

* plotly.js is not a <script> of the page: assets/plotly-loader.js fetches the cartesian bundle
  after the page's own scripts, and dcc.Graph waits for it (never the full plotly.js).
* Each chart's margins already hold its labels (healthdash.dashboard.margins), so plotly.js
  does not widen them after a first drawing and draw the chart again: the drawn chart's plot
  area (``_fullLayout._size``) is exactly the margins the server sent.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from test_browser import _charts_drawn, _settled, _wait, browser, served  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "plotly-cartesian.min.js"


def test_plotly_is_fetched_after_the_page_scripts_and_charts_still_draw(served, browser):  # noqa: F811
    html = urllib.request.urlopen(served + "/participation").read().decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("plotly-loader.js" in s for s in scripts)
    assert not any("plotly" in s and "loader" not in s for s in scripts), scripts   # neither bundle is a page script
    browser.get(served + "/participation")
    _wait(browser, lambda d: _settled(d) and _charts_drawn(d) and d.find_elements("css selector", ".js-plotly-plot"))
    version = browser.execute_script("return window.Plotly.version")
    assert version and version in BUNDLE.read_text("utf-8")[:400]
    sources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    plotly = [s for s in sources if "plotly" in s and "loader" not in s]
    assert len(plotly) == 1 and "plotly-cartesian.min.js" in plotly[0], plotly   # never the full plotly.js


def _grown_margins(driver) -> dict[str, dict]:
    """Charts whose plot area plotly.js moved off the margins it was sent (it drew them twice)."""
    return json.loads(driver.execute_script("""
        var out = {};
        document.querySelectorAll('.chart-body .js-plotly-plot').forEach(function (gd) {
            if (!gd._fullLayout || (gd.layout.meta && gd.layout.meta.empty)) return;
            var m = gd.layout.margin || {}, s = gd._fullLayout._size, grown = {};
            ['l', 'r', 't', 'b'].forEach(function (k) { if (s[k] > (m[k] || 0) + 0.5) grown[k] = [m[k], s[k]]; });
            if (Object.keys(grown).length) out[gd.closest('[id^=card-]').id] = grown;
        });
        return JSON.stringify(out);"""))


@pytest.mark.parametrize("path", ["/participation", "/participation?tab=governance", "/quality",
                                  "/quality?tab=reviews", "/", "/strategic", "/participation?present=1"])
def test_each_chart_is_drawn_once_with_the_margins_it_was_sent(served, browser, path):  # noqa: F811
    browser.get(served + path)
    _wait(browser, lambda d: _settled(d) and _charts_drawn(d) and d.find_elements("css selector", ".js-plotly-plot"))
    assert _grown_margins(browser) == {}


def test_a_long_dropdown_lists_part_and_finds_the_rest_on_the_server(served, browser, monkeypatch):  # noqa: F811
    """Only MAX_LISTED choices come with the page (a dropdown indexes all it holds as the page
    loads); typing asks the server.  Here the limit is one: of nova, python-novaclient and swift
    the repository dropdown holds nova, and typing "swi" finds swift."""
    import healthdash.dashboard.callbacks as cb
    import healthdash.dashboard.components as components
    monkeypatch.setattr(components, "MAX_LISTED", 1)
    monkeypatch.setattr(cb, "MAX_LISTED", 1)
    browser.get(served + "/participation")
    _wait(browser, lambda d: _settled(d))
    browser.find_element("id", "filter-repo").click()
    options = lambda d: d.execute_script(  # noqa: E731
        "return Array.from(document.querySelectorAll('.dash-dropdown-option')).map(e => e.textContent)")
    _wait(browser, lambda d: options(d) == ["nova"])
    browser.find_element("css selector", ".dash-dropdown-search").send_keys("swi")
    _wait(browser, lambda d: options(d) == ["swift"])
    browser.find_element("css selector", ".dash-dropdown-option").click()
    _wait(browser, lambda d: "repo=swift" in d.current_url)


def _drawn(driver, chart: str) -> bool:
    return driver.execute_script(
        "return !!document.querySelector('#card-' + arguments[0] + ' .js-plotly-plot .main-svg')", chart)


def test_a_chart_below_the_screen_is_drawn_when_it_comes_near(served, browser):  # noqa: F811
    browser.get(served + "/participation")
    _wait(browser, lambda d: _settled(d) and _drawn(d, "commits-by-org") and _drawn(d, "top-organisations"))
    below = browser.execute_script(
        "return Array.from(document.querySelectorAll('.chart-card')).filter(function (c) {"
        "  return c.querySelector('.dash-graph') && c.getBoundingClientRect().top > window.innerHeight + 100;"
        "}).map(function (c) { return c.id.slice(5); })")
    assert below, "the fixture page has charts below the screen"
    assert not any(_drawn(browser, chart) for chart in below)       # waiting, not drawn
    browser.execute_script("document.getElementById('card-' + arguments[0]).scrollIntoView()", below[0])
    _wait(browser, lambda d: _drawn(d, below[0]))
    # printing draws every chart still waiting
    browser.execute_script("window.dispatchEvent(new Event('beforeprint'))")
    _wait(browser, lambda d: all(_drawn(d, chart) for chart in below))


def test_a_table_below_the_screen_is_fetched_when_it_comes_near(served, browser):  # noqa: F811
    browser.get(served + "/participation")
    _wait(browser, lambda d: _settled(d) and _drawn(d, "commits-by-org"))
    card = "card-organisations-drilldown"
    assert browser.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().top > window.innerHeight + 100", card)
    has = lambda d, css: d.execute_script(  # noqa: E731
        "return !!document.querySelector('#' + arguments[0] + ' ' + arguments[1])", card, css)
    assert has(browser, ".table-wait") and not has(browser, ".ag-root")   # its place only, no grid yet
    browser.execute_script("document.getElementById(arguments[0]).scrollIntoView()", card)
    _wait(browser, lambda d: has(d, ".ag-row") and not has(d, ".table-wait"))
