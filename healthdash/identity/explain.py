"""Explaining one person: how they were merged and where their contributions went.

Used by ``healthdash people show`` and the person drill-down page, so both say
the same thing: every identity with the rule that merged it, the person's
affiliation periods with the file line behind each, their contributions
grouped by organisation and attribution rule, and the exact overrides lines
that would correct a wrong merge or a wrong employer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import duckdb
import polars as pl

from healthdash.errors import HealthdashError
from healthdash.identity.overrides import format_line
from healthdash.metrics import neutrality
from healthdash.metrics.filters import Filters


class UnknownPersonError(HealthdashError):
    title = "unknown person"


@dataclass
class PersonReport:
    person_id: str
    display_name: str
    is_bot: bool
    bot_reason: str | None
    identities: pl.DataFrame
    periods: pl.DataFrame
    contributions: pl.DataFrame
    suggestions: list[str] = field(default_factory=list)


def find_person(con: duckdb.DuckDBPyConnection, who: str) -> str:
    """The person id for an email, a person id or an identity id."""
    who = who.strip()
    if "@" in who and not who.startswith("email:"):
        rows = con.execute("SELECT person_id FROM identity_people WHERE email = lower(?) "
                           "ORDER BY person_id LIMIT 1", [who]).fetchall()
    else:
        rows = con.execute("SELECT person_id FROM identity_people WHERE person_id = ? OR identity_id = ? "
                           "ORDER BY person_id = ? DESC LIMIT 1", [who, who, who]).fetchall()
    if not rows:
        raise UnknownPersonError(f"no person or identity matches {who!r} in the warehouse")
    return rows[0][0]


def explain_person(con: duckdb.DuckDBPyConnection, who: str, filters: Filters | None = None) -> PersonReport:
    person_id = find_person(con, who)
    head = con.execute("SELECT coalesce(max(display_name), ?), coalesce(bool_or(is_bot), false), max(bot_reason) "
                       "FROM people WHERE person_id = ?", [person_id, person_id]).fetchall()[0]
    identities = con.sql(
        "SELECT ip.identity_id, i.source, i.name, i.email, i.username, ip.merge_rule AS rule "
        "FROM identity_people ip JOIN identities i USING (identity_id) WHERE ip.person_id = $p "
        "ORDER BY i.source, i.email, i.identity_id", params={"p": person_id}).pl()
    periods = con.sql(
        "SELECT org, valid_from, valid_to, rank, coalesce(detail, origin) AS source FROM affiliations "
        "WHERE person_id = $p ORDER BY valid_from, rank", params={"p": person_id}).pl()
    contributions = neutrality.person_attribution(con, filters or Filters(), person=person_id)
    report = PersonReport(person_id, head[0], bool(head[1]), head[2], identities, periods, contributions)
    report.suggestions = suggestions(report)
    return report


def suggestions(report: PersonReport) -> list[str]:
    """Overrides lines (with a comment each) that would correct this person's attribution."""
    emails = [e for e in report.identities["email"].drop_nulls().unique().sort().to_list() if e]
    main = report.person_id[len("email:"):] if report.person_id.startswith("email:") else (emails or [report.person_id])[0]
    lines = []
    spans = (report.contributions.group_by("org", maintain_order=True)
             .agg(pl.col("first_day").min(), pl.col("last_day").max(), pl.col("org_rule").first()))
    for row in spans.iter_rows(named=True):
        lines.append(f"# {row['first_day']} .. {row['last_day']}: attributed to {row['org']} ({row['org_rule']}); "
                     "if that is wrong:")
        lines.append(format_line("affiliation", main, "Right Organisation", start=row["first_day"],
                                 end=row["last_day"] + timedelta(days=1)))
    others = [e for e in emails if e != main]
    if others:
        lines.append("# not the same person? keep an address apart:")
        lines += [format_line("split", e) for e in others]
    lines.append("# the same person also writes from another address:")
    lines.append(format_line("merge", main, "other.address@example.org"))
    lines.append("# " + ("not a bot:" if report.is_bot else "an automated account:"))
    lines.append(format_line("notbot" if report.is_bot else "bot", main))
    return lines
