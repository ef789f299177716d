"""Re-identification (issue 12, defect 4): counting private bugs never names who filed or fixed them.

With ``count_private_in_aggregates = true``, a drill-down narrowed to one day and
one project used to name the person and organisation who filed the only
(embargoed) bug of that day.  The chosen rule (docs/RELIABILITY.md): private
bugs are never attributed to a person or an organisation - no per-person or
per-organisation view counts them - while the bug totals still do.

From tests/bug_fixture.py: private bug E (project example) was filed on
2024-03-21 by ``reporter`` (reporter@mail.example -> Independent) and is the only
bug filed that day; private bug J was fixed on 2024-02-19 by dev-a (Vendor A).
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from bug_fixture import build
from healthdash.metrics import bugs, neutrality
from healthdash.metrics.filters import Filters
from healthdash.warehouse import reader

E_DAY = Filters(project=("example",), start=date(2024, 3, 21), end=date(2024, 3, 21))
J_DAY = Filters(project=("example",), start=date(2024, 2, 19), end=date(2024, 2, 19))


@pytest.fixture(scope="module")
def counted(tmp_path_factory):
    return build(tmp_path_factory.mktemp("reid") / "counted.duckdb", count_private=True)


@pytest.mark.parametrize("filters", [E_DAY, J_DAY], ids=["filed-E", "fixed-J"])
def test_no_person_or_organisation_view_names_who_filed_or_fixed_a_private_bug(counted, filters):
    with reader(counted) as con:
        assert neutrality.org_shares(con, filters).is_empty()
        assert neutrality.org_totals(con, filters).is_empty()
        assert neutrality.pony_factor(con, filters).filter(pl.col("people") > 0).is_empty()
        for org in ("Independent", "Vendor A"):
            assert neutrality.org_people(con, filters, org=org).is_empty()
        for person in ("email:reporter@mail.example", "email:dev-a@vendor-a.example"):
            assert neutrality.person_attribution(con, filters, person=person).is_empty()
        assert bugs.fixed_by_org(con, filters).is_empty()


def test_the_bug_totals_still_count_private_bugs(counted):
    with reader(counted) as con:
        march = [r for r in bugs.flow(con, Filters(project=("example",), end=date(2024, 3, 31))).to_dicts()
                 if r["month"] == date(2024, 3, 1)]
    # example's March inflow: D (03-01) and E (03-21, private, counted) = 2
    assert march[0]["opened"] == 2
