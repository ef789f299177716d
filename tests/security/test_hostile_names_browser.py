"""Hostile names in a real browser: rendered as text, never as markup, and never wider than the page.

People and organisations are data anyone can type into a commit or an
affiliation file: a ``<script>`` name, an attribute-breaking name, and a 10 kB
name with no spaces.  The person and organisation pages are opened in headless
Chromium; no injected script runs, the names show as text, and the page never
scrolls sideways.  Screenshots go to ``screenshots/``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import quote

import polars as pl
import pytest

from conftest import build_warehouse

pytestmark = pytest.mark.browser

from test_browser import SCREENSHOTS, _wait, browser, serving  # noqa: E402,F401  (skips without chromium)

SCRIPT_NAME = "<script>window.__pwned = 1</script>Eve"
ATTRIBUTE_NAME = '"><img src=x onerror="window.__pwned=2">Mallory'
LONG_NAME = "Z" * 10240
SCRIPT_ORG = "<script>window.__pwned=3</script> Org & <Co> = \"A|B\"!"
PEOPLE = [("eve", SCRIPT_NAME, "eve@script.example"), ("mal", ATTRIBUTE_NAME, "mal@attr.example"),
          ("long", LONG_NAME, "long@big.example")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    when = datetime(2024, 3, 1, 12, tzinfo=timezone.utc)
    path = build_warehouse(tmp_path_factory.mktemp("hostile") / "w.duckdb", {
        "identities": pl.DataFrame({"identity_id": [p for p, _, _ in PEOPLE], "source": ["git"] * 3,
                                    "name": [n for _, n, _ in PEOPLE], "email": [e for _, _, e in PEOPLE]}),
        "org_domains": pl.DataFrame({"domain": ["script.example", "attr.example", "big.example"],
                                     "org": [SCRIPT_ORG, ATTRIBUTE_NAME, "Q" * 10240], "origin": ["config"] * 3}),
        "commits": pl.DataFrame({"repo": ["r"] * 3, "sha": [str(i) * 40 for i in range(3)], "is_merge": [False] * 3,
                                 "author_identity": [p for p, _, _ in PEOPLE],
                                 "committer_identity": [p for p, _, _ in PEOPLE],
                                 "author_date": [when] * 3, "commit_date": [when] * 3}),
    })
    yield from serving(path)


def _open(browser, url: str, expect: str):  # noqa: F811
    browser.get(url)
    _wait(browser, lambda d: expect in d.execute_script("return document.body.innerText"))


def _no_sideways_scroll(browser):  # noqa: F811
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("person, shown", [("long@big.example", "ZZZZZZZZZZ"),
                                           ("eve@script.example", SCRIPT_NAME),
                                           ("mal@attr.example", ATTRIBUTE_NAME)])
def test_person_page_shows_names_as_text_within_the_page(served, browser, person, shown):  # noqa: F811
    _open(browser, f"{served}/participation/person/{quote('email:' + person, safe='@:.')}", shown[:10])
    text = browser.execute_script("return document.body.innerText")
    assert shown in text
    assert browser.execute_script("return window.__pwned === undefined")
    assert not browser.execute_script("return document.querySelector('img[src=\"x\"]')")
    assert _no_sideways_scroll(browser), "the page scrolls sideways"
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"hostile-person-{person.split('@')[0]}.png"))


def test_organisation_index_and_page_render_hostile_org_names_as_text(served, browser):  # noqa: F811
    _open(browser, f"{served}/participation/organisation", "Org & <Co>")
    assert SCRIPT_ORG in browser.execute_script("return document.body.innerText")
    assert browser.execute_script("return window.__pwned === undefined")
    assert _no_sideways_scroll(browser)
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "hostile-organisations.png"))
    # the link the index gives is followed: the filter allow-list accepts the real name
    browser.find_element("link text", SCRIPT_ORG).click()
    _wait(browser, lambda d: "eve@script.example" in d.execute_script("return document.body.innerText"))
    assert browser.execute_script("return window.__pwned === undefined")
    assert "invalid filter" not in browser.execute_script("return document.body.innerText").lower()
