"""Real headless Chromium against the served dashboard (the fixture warehouse).

Starts ``create_app`` with werkzeug's ``make_server`` on a free local port in a
thread, drives ``/usr/bin/chromium`` through selenium and chromedriver (one
browser for the module), and checks what a user sees: the Participation chart
with its traces, the CSV the "Download CSV" button saves, the URL query string
following a filter change; every page, every chart's embed and presentation
view loading without console errors and with its charts drawn; the phone
layout; the slide deck opening offline.  Screenshots go to ``screenshots/``
(gitignored) and are checked non-blank by their pixels' luminance spread.
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
    pytest.skip("chromium / chromedriver not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from healthdash.dashboard import charts as registry  # noqa: E402
from healthdash.dashboard.app import create_app  # noqa: E402
from pngstats import luminance_spread  # noqa: E402


def serving(warehouse):
    """Serve the dashboard over ``warehouse`` on a free local port; yields its base URL."""
    app = create_app(warehouse=warehouse)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def served(participation_warehouse):
    yield from serving(participation_warehouse)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    profile = tmp_path_factory.mktemp("profile")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1600,1000"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(1600, 1000)
    driver.downloads = downloads
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, predicate, timeout=20):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: predicate(d))


def _traces(driver, chart: str) -> int:
    """Traces the chart has drawn (scrolled into view first: a chart below the screen is drawn
    when it comes near, see assets/plotly-loader.js)."""
    return driver.execute_script(
        "var card = document.getElementById('card-' + arguments[0]);"
        "if (card) { card.scrollIntoView({block: 'center'}); }"
        "var g = document.querySelector('#card-' + arguments[0] + ' .js-plotly-plot');"
        "return g && g.data ? g.data.length : 0;", chart)


def _trace_names(driver, chart: str) -> list[str]:
    return driver.execute_script(
        "var g = document.querySelector('#card-' + arguments[0] + ' .js-plotly-plot');"
        "return g.data.map(function (t) { return t.name; });", chart)


def _query(driver) -> dict[str, list[str]]:
    return parse_qs(urlparse(driver.current_url).query)


def test_participation_chart_and_csv_download(served, browser):
    browser.get(f"{served}/participation?team=compute")
    _wait(browser, lambda d: _traces(d, "commits-by-org") > 0)
    # team=compute: Acme, Globex, Independent and Initech commit there (see conftest arithmetic).
    assert sorted(_trace_names(browser, "commits-by-org")) == ["Acme", "Globex", "Independent", "Initech"]
    kpis = _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#kpi-participation-contributors .kpi-value"))
    assert kpis[0].text == "5"

    browser.find_element(By.CSS_SELECTOR, "#card-commits-by-org button.btn").click()
    # Named for chart, filters and the day the numbers run to; UTF-8 with a byte-order mark.
    target = browser.downloads / "commits-by-org-team-compute-2024-03-25.csv"
    _wait(browser, lambda d: target.exists() and target.stat().st_size > 0)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    # 3 months (Jan-Mar 2024) x 4 organisations, zero-filled; compute team commits per org:
    # Acme 2+1+0, Globex 1+0+2, Independent 0+1+0, Initech 0+0+1 = 8 commits.
    assert len(rows) == 12
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["org"]] = totals.get(row["org"], 0) + int(row["commits"])
    assert totals == {"Acme": 3, "Globex": 3, "Independent": 1, "Initech": 1}
    # The SVG button saves the same chart as a slide-sized vector image.
    browser.find_element(By.CSS_SELECTOR, "#card-commits-by-org button.btn:nth-child(2)").click()
    svg = browser.downloads / "commits-by-org-team-compute-2024-03-25.svg"
    _wait(browser, lambda d: svg.exists() and svg.stat().st_size > 0)
    head = svg.read_text("utf-8")[:400]
    assert head.startswith("<svg") and 'width="1600"' in head and 'height="900"' in head
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "participation-team-compute.png"))


def test_filter_change_updates_url_and_link_restores_it(served, browser):
    browser.get(f"{served}/participation?team=compute")
    _wait(browser, lambda d: _traces(d, "commits-by-org") > 0)
    # The team dropdown shows the value the URL set.
    _wait(browser, lambda d: "compute" in d.find_element(By.ID, "filter-team").text)
    # Tick "include bots": the URL gains bots=1 and keeps team=compute.
    browser.find_element(By.CSS_SELECTOR, "#filter-bots input[type=checkbox]").click()
    _wait(browser, lambda d: _query(d).get("bots") == ["1"])
    assert _query(browser)["team"] == ["compute"]
    # The page re-renders for the new query: the bot's commit (Independent, March) now counts.
    _wait(browser, lambda d: _traces(d, "commits-by-org") > 0)
    copied = browser.current_url
    browser.get(copied)  # a fresh load of the copied link
    _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#filter-bots input[type=checkbox]").is_selected())
    assert _query(browser) == {"team": ["compute"], "bots": ["1"]}


def test_presentation_mode_on_and_off(served, browser):
    browser.get(f"{served}/participation?team=compute")
    _wait(browser, lambda d: _traces(d, "commits-by-org") > 0)
    browser.find_element(By.ID, "present-enter").click()
    _wait(browser, lambda d: _query(d) == {"team": ["compute"], "present": ["1"]})
    _wait(browser, lambda d: not d.find_element(By.ID, "chrome").is_displayed())
    # The re-rendered chart uses presentation type (22px base instead of 13px).
    _wait(browser, lambda d: d.execute_script(
        "var g = document.querySelector('#card-commits-by-org .js-plotly-plot');"
        "return g && g.layout && g.layout.font.size;") == 22)
    browser.save_screenshot(str(SCREENSHOTS / "participation-present.png"))
    browser.find_element(By.ID, "present-exit").click()
    _wait(browser, lambda d: _query(d) == {"team": ["compute"]} and d.find_element(By.ID, "chrome").is_displayed())


def _settled(driver) -> bool:
    """The routed page is in and nothing is loading any more (callbacks done)."""
    return driver.execute_script(
        "return !!document.querySelector('#page-content > *')"
        " && !document.querySelector('._dash-loading, [data-dash-is-loading=\"true\"], .dash-spinner')"
        " && !document.querySelector('.chart-body:empty, .chart-fill:empty, .kpi-row:empty, #data-body:empty');")


def _navigate(driver, path: str) -> None:
    """In-app navigation, as a dcc.Link click does (no page reload)."""
    driver.execute_script("window.history.pushState({}, '', arguments[0]);"
                          "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));", path)


def test_every_page_renders_without_errors(served, browser):
    SCREENSHOTS.mkdir(exist_ok=True)
    # (path, a selector only that page has)
    pages = [("/", ".page-overview"), ("/participation", ".page-participation"), ("/quality", ".page-quality"),
             ("/security", ".page-security"), ("/commonality", ".page-commonality"),
             ("/consistency", ".page-consistency"), ("/data", "#data-sources, #data-counts"),
             ("/embed/commits-by-org?present=1", ".embed"), ("/embed/top-organisations", ".embed"),
             ("/no-such-page", ".panel-warn"), ("/participation?start=not-a-date", ".app-status .panel-warn")]
    browser.get(served + "/")
    browser.get_log("browser")
    for path, marker in pages:
        _navigate(browser, path)
        _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, marker) and _settled(d)
              and d.execute_script("return !document.querySelector('.chart-body .js-plotly-plot:not(:has(.main-svg))')"))
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "Traceback" not in body and "Something went wrong" not in body, path
        # No console errors, except the 404 page's own (the server answers it with status 404).
        errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not [e for e in errors if "no-such-page" not in e], (path, errors)
        name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "overview"
        data = browser.get_screenshot_as_png()
        (SCREENSHOTS / f"{name}.png").write_bytes(data)
        assert luminance_spread(data) > 2.0, f"{path}: blank screenshot"
    # The bad date in the last URL is reported in one friendly sentence.
    assert "is not a date like" in browser.find_element(By.TAG_NAME, "body").text


# --------------------------------------------------------------------------- every view, every chart

def _console_errors(driver) -> list[str]:
    """Errors the page logged since the last call (the browser log is drained on read)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _shot(driver, name: str, *, min_spread: float = 2.0) -> None:
    """Save a screenshot and check it is not blank (luminance spread of its pixels)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    data = driver.get_screenshot_as_png()
    (SCREENSHOTS / f"{name}.png").write_bytes(data)
    assert luminance_spread(data) > min_spread, f"{name}: the screenshot is blank"


def _charts_drawn(driver) -> bool:
    """Every chart body holds a drawn plot, a grid with rows or a friendly panel.

    A chart below the screen is drawn when it comes near (assets/plotly-loader.js): the first
    body still waiting is scrolled into view, and the next poll looks again."""
    return driver.execute_script("""
        var bodies = Array.prototype.slice.call(document.querySelectorAll('.chart-body'));
        var waiting = bodies.filter(function (b) {
            return !(b.querySelector('.js-plotly-plot .main-svg') || b.querySelector('.ag-row, .panel'));
        });
        if (waiting.length) { waiting[0].scrollIntoView({block: 'center'}); }
        return waiting.length === 0;""")


def _load(driver, url: str, marker: str) -> None:
    driver.get(url)
    _wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, marker) and _settled(d) and _charts_drawn(d))


def test_pages_and_presentation_views_load_without_console_errors(served, browser):
    _console_errors(browser)
    # (every page loads in the plain view in test_every_page_renders_without_errors)
    views = [("/", "present=1"), ("/participation?tab=governance", ""), ("/participation?tab=people", "present=1"),
             ("/participation", "present=1&theme=dark"), ("/security", "present=1"), ("/data", "theme=dark")]
    for path, mode in views:
        url = served + path + (("&" if "?" in path else "?") + mode if mode else "")
        browser.get(url)
        _wait(browser, lambda d: _settled(d) and (not d.find_elements(By.CSS_SELECTOR, ".chart-body")
                                                  or _charts_drawn(d)))
        assert not _console_errors(browser), url
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "Traceback" not in body and "Something went wrong" not in body, url
        name = (path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "overview")
        _shot(browser, f"{name}-{mode.replace('=', '-').replace('&', '_') or 'page'}")
    # Presentation mode: one chart fills one 16:9 screen, its title and caption on it.
    browser.get(served + "/participation?team=compute&present=1")
    _wait(browser, lambda d: _settled(d) and _charts_drawn(d))
    card = browser.find_element(By.ID, "card-commits-by-org")
    assert card.size["height"] == browser.execute_script("return window.innerHeight")
    caption = card.find_element(By.CSS_SELECTOR, ".chart-caption").text
    assert "Team: compute" in caption and "data to 25 Mar 2024 · healthdash" in caption


def test_every_chart_embed_carries_title_filters_and_data_date(served, browser):
    _console_errors(browser)
    for index, (name, chart) in enumerate(sorted(registry.load_all().items())):
        # Alternately the plain embed and the dark presentation view (one load per chart keeps it quick).
        for query in ["?team=compute", "?team=compute&present=1&theme=dark"][index % 2:][:1]:
            url = f"{served}/embed/{name}{query}"
            _load(browser, url, ".embed .chart-body .chart-caption")
            assert browser.find_element(By.CSS_SELECTOR, ".embed-title").text == chart.title, url
            caption = browser.find_element(By.CSS_SELECTOR, ".chart-caption").text
            assert "Team: compute" in caption and "data to 25 Mar 2024 · healthdash" in caption, url
            assert not _console_errors(browser), url
    _shot(browser, "embed-last-dark")


def test_phone_layout_fits_400_pixels(served, browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 400, "height": 860, "deviceScaleFactor": 1, "mobile": True})
    try:
        for path in ("/", "/participation", "/participation?tab=governance", "/quality", "/security", "/data"):
            _load(browser, served + path, "#page-content > *")
            # Nothing sticks out sideways: wide tables scroll inside their card, not the page.
            assert browser.execute_script("return document.documentElement.scrollWidth") <= 400, path
            _shot(browser, "phone" + path.replace("/", "_").replace("?", "_").replace("=", "-"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_slide_deck_opens_offline_and_moves_with_arrow_keys(participation_warehouse, browser, tmp_path):
    import duckdb
    from selenium.webdriver.common.keys import Keys

    from healthdash.deck import write_deck
    from healthdash.metrics import parse_filters

    with duckdb.connect(str(participation_warehouse), read_only=True) as con:
        write_deck(con, registry.load_all(), ["top-organisations", "commits-by-org"], parse_filters("team=compute"),
                   tmp_path, svg=False)
    _console_errors(browser)
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0})
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    try:
        browser.get((tmp_path / "index.html").as_uri())
        _wait(browser, lambda d: d.execute_script("return window.deck && window.deck.count") == 3)
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.ARROW_RIGHT)
        _wait(browser, lambda d: d.execute_script(
            "return document.querySelector('.slide.active .chart .main-svg') !== null"))
        active = browser.find_element(By.CSS_SELECTOR, ".slide.active")
        assert active.get_attribute("id") == "top-organisations"
        assert "Acme leads" in active.find_element(By.CSS_SELECTOR, ".takeaway").text
        # The slide is the 16:9 stage: 1920 x 1080 on this screen.
        assert (active.size["width"], active.size["height"]) == (1920, 1080)
        _shot(browser, "deck-slide-2")
        body.send_keys(Keys.ARROW_RIGHT)
        _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".slide.active").get_attribute("id")
              == "commits-by-org")
        body.send_keys(Keys.ARROW_LEFT)
        _wait(browser, lambda d: d.execute_script("return window.deck.current()") == 1)
        assert not _console_errors(browser)
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions",
                                {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_download_slides_button_saves_the_deck_of_the_view(served, browser):
    browser.get(f"{served}/participation?team=compute&tab=reviews")
    _wait(browser, lambda d: _settled(d) and _charts_drawn(d))
    browser.find_element(By.CSS_SELECTOR, ".btn-slides").click()
    target = browser.downloads / "slides-team-compute-2024-03-25.zip"
    _wait(browser, lambda d: target.exists() and target.stat().st_size > 0, timeout=120)
    import zipfile

    names = sorted(zipfile.ZipFile(target).namelist())
    # The Reviews tab's charts with a figure: reviews by organisation and review activity.
    assert names == ["index.html", "review-activity-team-compute-2024-03-25.svg",
                     "reviews-by-org-team-compute-2024-03-25.svg"]
