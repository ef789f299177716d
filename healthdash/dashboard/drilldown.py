"""Views of the organisation and person drill-down pages (issue 3).

Plain functions from the warehouse to Dash components, called by the thin
page modules ``pages/organisation.py`` and ``pages/person.py`` and by tests
without a browser.  Numbers come from :mod:`healthdash.metrics.neutrality`
and :mod:`healthdash.identity.explain`; nothing here writes SQL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import polars as pl
from dash import dcc, html

from healthdash.dashboard.components import frame_table, panel
from healthdash.dashboard.data import friendly
from healthdash.errors import HealthdashError
from healthdash.identity.explain import explain_person
from healthdash.metrics import neutrality, parse_filters, strategic
from healthdash.metrics.filters import Filters

ORG_PATH = "/participation/organisation"
PERSON_PATH = "/participation/person"


def person_href(person_id: str, search: str | None = "") -> str:
    return f"{PERSON_PATH}/{quote(person_id, safe='@:.')}" + (search or "")


def org_href(org: str, filters: Filters) -> str:
    query = Filters(**{**filters.__dict__, "org": (org,)}).to_query()
    return f"{ORG_PATH}?{query}"


def _filters(search: str | None) -> Filters:
    return parse_filters(search or "")


def _error(err: Exception) -> html.Div:
    title, message = friendly(err)
    return panel(title, message, kind="warn" if isinstance(err, HealthdashError) else "error")


def _link_table(rows: list[dict[str, Any]], columns: list[tuple[str, str]], link: str, href) -> html.Table:
    head = html.Thead(html.Tr([html.Th(title) for _, title in columns]))
    body = []
    for row in rows:
        cells = []
        for key, _ in columns:
            value = row[key]
            text = f"{value:,}" if isinstance(value, int) else ("" if value is None else str(value))
            cells.append(html.Td(dcc.Link(text, href=href(row)) if key == link else text))
        body.append(html.Tr(cells))
    return html.Table([head, html.Tbody(body)], className="link-table")


def org_index_view(warehouse, search: str | None) -> Any:
    """No organisation chosen: every organisation with its contributions, each a link."""
    try:
        filters = _filters(search)
        shares = warehouse.frame("org-index", neutrality.org_shares, filters)
    except Exception as err:  # noqa: BLE001 - shown as a friendly panel
        return _error(err)
    if shares.is_empty():
        return panel("No organisations", "No contributions for these filters.", kind="empty")
    totals = (shares.group_by("org").agg(pl.col("contributions").sum())
              .sort(["contributions", "org"], descending=[True, False]))
    return _link_table(totals.to_dicts(), [("org", "Organisation"), ("contributions", "Contributions")],
                       "org", lambda row: org_href(row["org"], filters))


def org_people_view(warehouse, search: str | None) -> Any:
    """The people behind the chosen organisation's contributions, each linking to their page."""
    try:
        filters = _filters(search)
        people = warehouse.frame("org-people", neutrality.org_people, filters)
    except Exception as err:  # noqa: BLE001
        return _error(err)
    if people.is_empty():
        return panel("No people", "Nobody contributed for this organisation under these filters.", kind="empty")
    return _link_table(people.to_dicts(), [("person", "Person"), ("contributions", "Contributions"),
                                           ("teams", "Teams"), ("first_day", "First"), ("last_day", "Last")],
                       "person", lambda row: person_href(row["person_id"], search and f"?{filters.to_query()}"))


def person_view(warehouse, person_id: str | None, search: str | None) -> Any:
    """Everything ``healthdash people show`` says, as page sections."""
    if not person_id:
        return panel("No person chosen", "Open a person from an organisation's page.", kind="empty")
    try:
        filters = _filters(search)
        with warehouse.cursor() as con:
            report = explain_person(con, person_id, filters)
    except Exception as err:  # noqa: BLE001
        return _error(err)
    orgs = report.contributions["org"].unique().sort().to_list() if report.contributions.height else []
    return html.Div([
        html.H2(report.display_name + (" (bot: excluded from participation)" if report.is_bot else ""),
                className="person-name", title=report.display_name[:2000]),
        html.P(["Person id ", html.Code(report.person_id), ". Organisations: "]
               + [item for org in orgs for item in (dcc.Link(org, href=org_href(org, filters)), " ")],
               className="note"),
        html.Div([html.H3("Contributions by organisation, and why", className="card-title"),
                  frame_table(report.contributions) if report.contributions.height
                  else panel("No contributions", "None under these filters.", kind="empty")], className="card"),
        strategic_person_card(warehouse, person_id, filters),
        html.Div([html.H3("Identities and the rule that merged each", className="card-title"),
                  frame_table(report.identities)], className="card"),
        html.Div([html.H3("Affiliation periods on record (end exclusive; lower rank wins)", className="card-title"),
                  frame_table(report.periods) if report.periods.height
                  else html.P("None: organisations come from email domains.", className="note")], className="card"),
        html.Div([html.H3("To correct this person", className="card-title"),
                  html.P("Add the line to the overrides file named in [affiliations] (or run "
                         "`healthdash people fix` with it); it takes effect at the next rebuild, "
                         "no re-collection needed.", className="note"),
                  html.Pre("\n".join(report.suggestions), className="correction-lines")], className="card"),
    ], className="person-report")


def strategic_person_card(warehouse, person_id: str, filters: Filters) -> html.Div:
    """The person's strategic contributions per category beside the community's share."""
    title = html.H3("Strategic contributions (see the Strategic page for definitions)", className="card-title")
    try:
        with warehouse.cursor() as con:
            frame = strategic.for_person(con, filters, person=person_id)
    except Exception as err:  # noqa: BLE001
        return html.Div([title, _error(err)], className="card")
    mine = frame.filter(~pl.col("is_community")).sort("category_order")
    if mine.is_empty():
        return html.Div([title, panel("No contributions", "None under these filters.", kind="empty")],
                        className="card", id="person-strategic")
    table = mine.select(pl.col("category_label").alias("category"), "contributions", "total", "counted",
                        "share", "community_share", "note")
    return html.Div([title, frame_table(table, table_id="person-strategic-table")], className="card",
                    id="person-strategic")
