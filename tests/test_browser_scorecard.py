"""Headless Chromium: the Overview's scorecard and the Strategic page, as a committee member uses them.

Hovering a scorecard cell shows its inputs and formula; clicking it lands on that area's
page filtered to the team and cycle.  The browser fixture is tests/test_browser.py's (skipped
with it when Chromium is missing); the app serves the strategic_community warehouse.
"""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlparse

import pytest

import strategic_community
from test_browser import SCREENSHOTS, browser  # noqa: F401 - the shared headless Chromium fixture

pytestmark = pytest.mark.browser

from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from healthdash.dashboard.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    warehouse = strategic_community.build(tmp_path_factory.mktemp("browser-scorecard") / "s.duckdb")
    app = create_app(warehouse=warehouse)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def _wait(driver, predicate, timeout=40):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: predicate(d))


_CELL_JS = """
var gd = document.querySelector('#card-scorecard .js-plotly-plot');
if (!gd || !gd._fullLayout || !gd._fullLayout.xaxis) { return null; }
var xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
return [box.left + xa._offset + xa.d2p(arguments[0]), box.top + ya._offset + ya.d2p(arguments[1])];
"""


def _pointer(driver, area: str, team: str, *, click: bool = False) -> None:
    """Move the mouse (and click) at the centre of one scorecard cell, in viewport pixels."""
    x, y = _wait(driver, lambda d: d.execute_script(_CELL_JS, area, team))
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x) - 3, int(y) - 3)
    actions.pointer_action.move_to_location(int(x), int(y))
    if click:
        actions.pointer_action.click()
    actions.perform()


def test_scorecard_hover_shows_inputs_and_a_click_opens_the_filtered_area(served, browser):
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.get(served + "/")
    _wait(browser, lambda d: d.execute_script(
        "var g = document.querySelector('#card-scorecard .js-plotly-plot'); return g && g.data && g.data.length"))
    texts = browser.execute_script("return document.querySelector('#card-scorecard .js-plotly-plot').data[0].text")
    assert texts[0][3] == "98" and texts[2][4] == "48"            # compute quality, community neutrality
    browser.save_screenshot(str(SCREENSHOTS / "overview-scorecard.png"))
    _pointer(browser, "Quality", "compute")
    hover = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#card-scorecard .hoverlayer").text)
    assert "Median hours to first review" in hover and "indicator score" in hover
    browser.save_screenshot(str(SCREENSHOTS / "overview-scorecard-hover.png"))
    _pointer(browser, "Quality", "compute", click=True)
    _wait(browser, lambda d: urlparse(d.current_url).path == "/quality")
    assert parse_qs(urlparse(browser.current_url).query) == {"team": ["compute"], "cycle": ["2024.1"]}
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".page-quality"))
    _wait(browser, lambda d: d.find_element(By.ID, "filter-team").text.strip().startswith("compute"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Traceback" not in body and "Something went wrong" not in body


def test_strategic_page_renders_with_definitions(served, browser):
    browser.get(served + "/strategic")
    _wait(browser, lambda d: d.execute_script(
        "var g = document.querySelector('#card-strategic-contributions .js-plotly-plot');"
        "return g && g.data && g.data.length"))
    definitions = browser.find_element(By.ID, "strategic-definitions").text
    assert "Reviews of others" in definitions and "test_*.py" in definitions
    rows = browser.execute_script(
        "return document.querySelector('#card-strategic-contributions .js-plotly-plot').data[0].y")
    assert rows[0] == "<b>Community</b>" and rows[1].startswith("Independent")
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
    browser.save_screenshot(str(SCREENSHOTS / "strategic.png"))
