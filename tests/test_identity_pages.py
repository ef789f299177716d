"""Organisation and person drill-down views, rendered from a real warehouse without a browser."""

import json

import pytest
from plotly.utils import PlotlyJSONEncoder

from healthdash.dashboard.data import Warehouse
from healthdash.dashboard.drilldown import org_href, org_index_view, org_people_view, person_href, person_view
from healthdash.metrics.filters import Filters
from neutrality_community import build


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return Warehouse(build(tmp_path_factory.mktemp("pages") / "w.duckdb"))


def text(component) -> str:
    return json.dumps(component.to_plotly_json(), cls=PlotlyJSONEncoder)


def test_org_index_links_every_organisation(warehouse):
    page = text(org_index_view(warehouse, "?team=compute"))
    # compute, all kinds: Acme 8, Globex 4, Independent 3, Initech 2 (see test_neutrality)
    for org, count in (("Acme", 8), ("Globex", 4), ("Independent", 3), ("Initech", 2)):
        assert org_href(org, Filters(team=("compute",))) in page
        assert f'"children": "{count}"' in page
    assert org_href("Acme", Filters(team=("compute",))) == "/participation/organisation?team=compute&org=Acme"


def test_org_people_list_links_to_person_pages(warehouse):
    page = text(org_people_view(warehouse, "?org=Acme"))
    # Acme: a1 4 commits + merged c1 = 5; a2 2 commits + 1 core review = 3
    assert person_href("email:a1@acme.com", "?org=Acme") in page and '"children": "5"' in page
    assert person_href("email:a2@acme.com", "?org=Acme") in page and '"children": "3"' in page
    assert "g1@globex.com" not in page


def test_person_view_explains_and_suggests_corrections(warehouse):
    page = text(person_view(warehouse, "email:a1@acme.com", ""))
    assert "domain map: acme.com -> Acme (test)" in page
    assert "email a1@acme.com" in page                                  # merge rule of each identity
    assert "affiliation a1@acme.com 'Right Organisation' from 2024-01-05 until 2024-07-16" in page
    assert "None: organisations come from email domains." in page


def test_person_view_friendly_when_unknown(warehouse):
    page = text(person_view(warehouse, "email:nobody@nowhere.example", ""))
    assert "no person or identity matches" in page
    assert "Traceback" not in page
