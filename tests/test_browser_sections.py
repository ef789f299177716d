"""A filter change redraws only the sections that read the changed key (headless Chromium).

Issue 11: every filter change used to re-render the whole page (the router's request, then
every chart and KPI again).  Now the page container follows only the path and the open tab;
each chart card and KPI row keeps the values of the URL keys it reads, and only those whose
values changed ask the server for a redraw, one request each, plus the filter bar's own
banner / summary / options (one request).  Checked the way a user would notice: DOM nodes
marked with a JS property survive a change they do not depend on, and the Performance API
counts the ``_dash-update-component`` requests the change made.
"""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")

from test_browser import _query, _settled, _wait, browser, serving  # noqa: E402,F401 - fixtures and helpers

from healthdash.dashboard.context import reads_of  # noqa: E402
from healthdash.dashboard.layout import charts_in_view  # noqa: E402
from healthdash.dashboard.views import kpi_reads  # noqa: E402

pytestmark = pytest.mark.browser

#: The filter bar's own section: banner, summary and dropdown options (one request per filter change).
FILTER_BAR_SECTION = 1

_MARK = """
window.__marked = {};
document.querySelectorAll('.chart-card').forEach(function (card) {
    var body = card.querySelector('.chart-body');
    var shown = body && body.firstElementChild;
    if (shown) { shown.__keep = card.id; window.__marked[card.id] = shown; }
});
var kpis = document.querySelector('.kpi-section .kpi-row');
if (kpis && kpis.firstElementChild) { kpis.firstElementChild.__keep = 'kpis'; window.__marked.kpis = kpis.firstElementChild; }
var page = document.querySelector('#page-content > *'); page.__keep = 'page'; window.__marked.page = page;
var bar = document.getElementById('filter-bar'); bar.__keep = 'bar'; window.__marked.bar = bar;
performance.clearResourceTimings();
"""

#: Names of marked nodes still in the document (not replaced by a redraw).
_SURVIVORS = """
return Object.keys(window.__marked).filter(function (key) {
    var node = window.__marked[key];
    return node.__keep === key && document.body.contains(node);
});
"""

_REQUESTS = """
return performance.getEntriesByType('resource').filter(function (e) {
    return e.name.indexOf('_dash-update-component') >= 0;
}).length;
"""


@pytest.fixture(scope="module")
def served(participation_warehouse):
    yield from serving(participation_warehouse)


def _open(browser, url: str) -> None:
    browser.get(url)
    _wait(browser, lambda d: _settled(d) and d.execute_script(
        "return !document.querySelector('.chart-body .js-plotly-plot:not(:has(.main-svg))')"), timeout=60)


def _after_change(browser, expected: int) -> int:
    """Requests made since the mark, once they reached ``expected`` and nothing more came (0.8 s)."""
    _wait(browser, lambda d: d.execute_script(_REQUESTS) >= expected and _settled(d), timeout=60)
    browser.execute_script("return new Promise(function (done) { setTimeout(done, 800); });")
    _wait(browser, _settled)
    return browser.execute_script(_REQUESTS)


def test_an_organisation_change_redraws_only_sections_that_read_it(served, browser):
    _open(browser, f"{served}/quality?team=compute")
    browser.execute_script(_MARK)
    charts = charts_in_view("quality")
    readers = {f"card-{c.name}" for c in charts if "org" in reads_of(c)}
    others = {f"card-{c.name}" for c in charts} - readers
    assert readers and others            # coverage and bug panels do not read org; review panels do
    assert "org" in kpi_reads("quality")
    browser.execute_script("window.dash_clientside.set_props('filter-org', {value: ['Acme']});")
    _wait(browser, lambda d: _query(d).get("org") == ["Acme"])
    assert _query(browser) == {"team": ["compute"], "org": ["Acme"]}
    expected = len(readers) + 1 + FILTER_BAR_SECTION           # + the KPI row
    assert _after_change(browser, expected) == expected
    survivors = set(browser.execute_script(_SURVIVORS))
    # The page, the filter bar and every panel not reading org are the same DOM nodes; the others were redrawn.
    assert {"page", "bar"} | others <= survivors
    assert not (readers | {"kpis"}) & survivors


def test_a_theme_change_restyles_the_charts_only(served, browser):
    _open(browser, f"{served}/participation?team=compute")
    browser.execute_script(_MARK)
    browser.execute_script("window.history.pushState({}, '', '/participation?team=compute&theme=dark');"
                           "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));")
    charts = charts_in_view("participation")
    assert _after_change(browser, len(charts)) == len(charts)       # no KPI row, banner or router request
    survivors = set(browser.execute_script(_SURVIVORS))
    assert {"page", "bar", "kpis"} <= survivors
    assert not {f"card-{c.name}" for c in charts} & survivors
    _wait(browser, lambda d: d.execute_script(
        "var g = document.querySelector('#card-commits-by-org .js-plotly-plot');"
        "return g && g._fullLayout && g._fullLayout.paper_bgcolor;") not in (None, "#fff", "#ffffff", "white",
                                                                              "rgb(255, 255, 255)"))


def test_an_open_tab_change_renders_the_page_and_start_after_end_is_refused(served, browser):
    _open(browser, f"{served}/participation?team=compute")
    browser.execute_script(_MARK)
    browser.find_element("css selector", "a.section-tab:not(.selected)").click()
    _wait(browser, lambda d: _query(d).get("tab") and _settled(d))
    assert _query(browser)["team"] == ["compute"]                   # the tab link carries the filters
    assert "page" not in browser.execute_script(_SURVIVORS)         # a new tab is a new page body
    before = browser.current_url
    browser.execute_script("window.dash_clientside.set_props('filter-dates', "
                           "{start_date: '2024-03-01', end_date: '2024-01-01'});")
    _wait(browser, lambda d: "is after end" in d.find_element("id", "filter-error").text)
    assert browser.current_url == before


def test_controls_write_the_query_the_server_writes(served, browser):
    """The filter bar builds the URL in the browser; it must be ``Filters.to_query``'s, byte for byte,
    keeping the extra keys of the URL (here presentation mode)."""
    from urllib.parse import urlsplit

    from healthdash.metrics import parse_filters

    from urllib.parse import quote_plus

    odd = "Smith & <Jones> = \"A|B\"!'()*~ é"      # a value the URL keeps (the matrix picker's key)
    _open(browser, f"{served}/participation?present=1&matrix={quote_plus(odd)}")
    browser.execute_script("window.dash_clientside.set_props('filter-team', {value: ['compute']});"
                           "window.dash_clientside.set_props('filter-kind', {value: ['commit']});")
    _wait(browser, lambda d: _query(d).get("kind") == ["commit"] and _query(d).get("team") == ["compute"])
    search = urlsplit(browser.current_url).query
    expected = parse_filters({"team": ["compute"], "kind": ["commit"], "present": "1", "matrix": odd},
                             extra_keys=("present", "matrix")).to_query()
    assert search == expected
    # ... and a link read back sets the controls (URL -> controls)
    browser.get(f"{served}/participation?team=compute&bots=1")
    _wait(browser, lambda d: d.find_element("css selector", "#filter-bots input[type=checkbox]").is_selected())
    _wait(browser, lambda d: "compute" in d.find_element("id", "filter-team").text)
