"""A link naming a filter value the warehouse does not know keeps it and says so (headless Chromium).

A committee member pastes ``/participation?org=Cloudworks`` (a typo, or a warehouse without that
organisation): the page must show that organisation's (empty) numbers and a banner naming the
unknown value, never the whole community's numbers under a filter the URL claims is applied.  The
browser-side filter sync once dropped the value (the dropdown cleared a value missing from its
options) and rewrote the URL without it.
"""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402

from test_browser import _query, _settled, _wait, browser, serving  # noqa: E402,F401 - fixtures and helpers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(participation_warehouse):
    yield from serving(participation_warehouse)


def _banner(driver) -> str:
    return driver.execute_script("var b = document.getElementById('app-status'); return b ? b.innerText : '';")


def _contributors(driver) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, "#kpi-participation-contributors .kpi-value")
    return found[0].text if found else ""


@pytest.mark.parametrize("key, value, label, heading", [
    ("org", "Cloudworks", "organisation", "match nothing"), ("team", "no-such-team", "team", "match nothing"),
    ("project", "no-such-project", "project", "match nothing"), ("repo", "no-such-repo", "repository", "match nothing"),
    ("cycle", "2099.9", "release cycle", "cannot use")])
def test_unknown_value_is_kept_and_named(served, browser, key, value, label, heading):
    browser.get(f"{served}/participation?{key}={value}")
    _wait(browser, lambda d: heading in _banner(d))
    _wait(browser, _settled)
    assert _query(browser).get(key) == [value], browser.current_url    # the URL keeps the filter
    text = _banner(browser)
    assert value in text and label in text, text
    # nobody matches: the KPI says so, never the whole community's 5 contributors (conftest arithmetic)
    assert _contributors(browser) in {"no data", "–", "—", "0"}, _contributors(browser)
    chosen = browser.execute_script(
        "return Array.from(document.querySelectorAll('#filter-%s .Select-value-label, #filter-%s "
        "[class*=\"multi-value\"], #filter-%s .dash-dropdown-value')).map(function (e) { return e.innerText; });"
        % (key, key, key))
    assert any(value in c for c in chosen), chosen                    # and the dropdown shows it


def test_known_value_still_filters_and_no_banner(served, browser):
    browser.get(f"{served}/participation?org=Acme")
    _wait(browser, _settled)
    _wait(browser, lambda d: _contributors(d) == "2")    # Acme: alice and erin (before 2024-03-01)
    assert _query(browser).get("org") == ["Acme"]
    assert "match nothing" not in _banner(browser)
