"""Filters from URLs are validated before they reach SQL; CSV cells cannot run as formulas."""

from datetime import date

import polars as pl
import pytest

from healthdash.errors import FilterError
from healthdash.export import csv_text, neutralise_cell
from healthdash.metrics import Filters, parse_filters


def test_query_string_round_trip():
    f = parse_filters("?team=Compute&team=Storage&repo=nova&start=2024-01-01&end=2024-06-30&kind=commit&bots=1")
    assert f.team == ("Compute", "Storage") and f.repo == ("nova",) and f.kind == ("commit",)
    assert (f.start, f.end, f.include_bots) == (date(2024, 1, 1), date(2024, 6, 30), True)
    assert parse_filters(f.to_query()) == f
    assert f.params()["f_teams"] == ["Compute", "Storage"] and f.params()["f_orgs"] is None


@pytest.mark.parametrize("query, key", [
    ("start=yesterday", "start"),
    ("end=2024-13-01", "end"),
    ("team=a%00b", "team"),                  # control characters have no place in a name
    ("org=" + "x" * 201, "org"),
    ("kind=lunch", "kind"),
    ("start=2024-05-01&end=2024-01-01", "start"),
])
def test_bad_filters_name_the_key(query, key):
    with pytest.raises(FilterError) as info:
        parse_filters(query)
    assert key in info.value.message


@pytest.mark.parametrize("name", ['Smith & <Jones> = "A|B"!', "x';DROP TABLE commits;--", "Café ≠ Kaffee"])
def test_real_names_with_any_printable_characters_are_accepted_and_bound_as_parameters(name):
    # Safe by parameterisation, not by a character allow-list (tests/security checks the SQL side).
    parsed = parse_filters(Filters(org=(name,), team=(name,)).to_query())
    assert parsed.org == (name,) and parsed.params()["f_orgs"] == [name]


def test_cycle_resolves_to_dates_and_unknown_cycle_is_an_error():
    cycles = {"2025.1": (date(2024, 10, 2), date(2025, 4, 2))}
    f = parse_filters("cycle=2025.1").with_cycle(cycles)
    assert (f.start, f.end) == (date(2024, 10, 2), date(2025, 4, 2))
    with pytest.raises(FilterError, match="unknown release cycle"):
        parse_filters("cycle=1999.9").with_cycle(cycles)
    assert Filters().with_cycle({}) == Filters()


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1+2", "'+1+2"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("-12.5", "-12.5"), ("+3", "+3"), ("Vendor A", "Vendor A"), ("", ""),
])
def test_formula_cells_are_neutralised(cell, safe):
    assert neutralise_cell(cell) == safe


def test_csv_text_neutralises_and_flattens_lists():
    df = pl.DataFrame({"org": ["=evil()", "Vendor A"], "n": [-1, 2], "tags": [["a", "b"], []]})
    lines = csv_text(df, bom=False).splitlines()
    assert lines[0] == "org,n,tags"
    assert lines[1] == "'=evil(),-1,a; b"
    assert lines[2] == "Vendor A,2,\"\""


def test_csv_for_spreadsheets_bom_snake_case_headers_and_four_decimals():
    df = pl.DataFrame({"org": ["Zoë AG"], "core reviews": [3], "Top1Share": [0.842105263157894],
                       "cannot evaluate": ["-"], "share": [2 / 3]})
    data = csv_text(df).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")                   # UTF-8 byte-order mark
    header, row = data.decode("utf-8-sig").splitlines()
    assert header == "org,core_reviews,top1_share,cannot_evaluate,share"
    # 0.842105... -> 0.8421 and 2/3 -> 0.6667 (4 decimals); a lone "-" is text, guarded.
    assert row == "Zoë AG,3,0.8421,'-,0.6667"


def test_download_names_carry_chart_filters_and_date():
    from healthdash.export import file_stem, filters_slug

    two = parse_filters("team=Storage&org=Vendor A&present=1&theme=dark", extra_keys=("present", "theme"))
    assert filters_slug(two) == "team-Storage_org-Vendor-A"       # display keys are not filters
    assert file_stem("top-organisations", two, date(2025, 4, 2)) == "top-organisations-team-Storage_org-Vendor-A-2025-04-02"
    assert file_stem("top-organisations", parse_filters(""), date(2025, 4, 2)) == "top-organisations-all-2025-04-02"
    assert filters_slug(parse_filters("team=Storage")) != filters_slug(parse_filters("team=Compute"))


def test_every_export_has_snake_case_headers(participation_warehouse, tmp_path):
    import duckdb

    from healthdash.export import export_charts

    with duckdb.connect(str(participation_warehouse), read_only=True) as con:
        # governance-view's frame names a column "core reviews"; the files say core_reviews.
        csv_path, = export_charts(con, ["governance-view"], parse_filters(""), tmp_path / "csv", "csv")
        parquet_path, = export_charts(con, ["governance-view"], parse_filters(""), tmp_path / "pq", "parquet")
    header = csv_path.read_text("utf-8-sig").splitlines()[0].split(",")
    assert header == pl.read_parquet(parquet_path).columns
    assert "core_reviews" in header and all(h == h.lower() and " " not in h for h in header)
