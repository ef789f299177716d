"""Writing the identity layer's results: affiliation inputs in, people out.

Two steps, both inside the caller's write session:

* :func:`store_imported` replaces one file's rows (by ``origin``) in the input
  tables (``affiliation_records``, ``org_domains``, ``identity_links``,
  ``org_aliases``, ``identity_splits``, ``identity_bot_marks``).
* :func:`rebuild_people` re-reads the configured files (affiliation files,
  overrides, each repository's ``.mailmap``), merges identities into people
  (:mod:`healthdash.identity.merge`) and rewrites ``identity_person``,
  ``people`` and ``affiliations`` in one transaction.  It runs at the end of
  every collection and after every correction; it takes seconds, so a
  correction never needs a re-collection.

A file that cannot be read keeps its previously imported rows and is recorded
as a failed ``affiliation:<file>`` source, so the Data page shows it and the
collected data is never lost.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from healthdash.errors import HealthdashError
from healthdash.identity import mailmap as mailmap_mod
from healthdash.identity.importers import read_file
from healthdash.identity.merge import Identity, LinkRow, build_people
from healthdash.identity.records import Imported

#: Public mail providers: their addresses say nothing about an employer.
PUBLIC_MAIL_DOMAINS = ("gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "hotmail.com",
                       "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com",
                       "gmx.de", "gmx.net", "gmx.com", "web.de", "mail.ru", "yandex.ru", "yandex.com",
                       "qq.com", "163.com", "126.com", "sina.com", "protonmail.com", "proton.me",
                       "fastmail.com", "zoho.com", "free.fr", "orange.fr", "laposte.net", "naver.com",
                       "users.noreply.github.com", "localhost", "localhost.localdomain")
OVERRIDES_ORIGIN = "overrides"
DEFAULT_OVERRIDES_NAME = "overrides.txt"


def _key_kind(key: str) -> str:
    return {"e": "email", "u": "username", "i": "identity", "a": "account"}.get(key[:1], "other")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, *, keep_existing: str = "") -> None:
    if frame.height == 0:
        return
    names = ", ".join(frame.columns)
    con.register("_hd_identity", frame.to_arrow())
    try:
        verb = "INSERT INTO" if keep_existing else "INSERT OR REPLACE INTO"
        con.execute(f"{verb} {table} ({names}) SELECT {names} FROM _hd_identity f {keep_existing}")
    finally:
        con.unregister("_hd_identity")


def store_imported(con: duckdb.DuckDBPyConnection, imported: Imported, *, rank: int,
                   path: str | None = None) -> None:
    """Replace everything previously imported from ``imported.origin`` (no transaction here)."""
    origin = imported.origin
    for table in ("affiliation_records", "org_domains", "identity_links", "org_aliases",
                  "identity_splits", "identity_bot_marks"):
        con.execute(f"DELETE FROM {table} WHERE origin = ?", [origin])
    periods = imported.periods
    _insert(con, "affiliation_records", pl.DataFrame({
        "origin": [origin] * len(periods), "key_kind": [_key_kind(p.key) for p in periods],
        "key": [p.key for p in periods], "org": [p.org for p in periods],
        "valid_from": [p.valid_from for p in periods], "valid_to": [p.valid_to for p in periods],
        "rank": [rank] * len(periods), "detail": [p.detail for p in periods]},
        schema={"origin": pl.String, "key_kind": pl.String, "key": pl.String, "org": pl.String,
                "valid_from": pl.Date, "valid_to": pl.Date, "rank": pl.Int32, "detail": pl.String},
    ).unique(subset=["origin", "key_kind", "key", "org", "valid_from"], keep="first", maintain_order=True))
    domains = pl.DataFrame({
        "domain": [d.domain for d in imported.domains], "org": [d.org for d in imported.domains],
        "valid_from": [d.valid_from for d in imported.domains], "valid_to": [d.valid_to for d in imported.domains],
        "origin": [origin] * len(imported.domains)},
        schema={"domain": pl.String, "org": pl.String, "valid_from": pl.Date, "valid_to": pl.Date,
                "origin": pl.String}).unique(subset=["domain", "valid_from"], keep="first", maintain_order=True)
    _insert(con, "org_domains", domains, keep_existing=(
        "WHERE NOT EXISTS (SELECT 1 FROM org_domains d WHERE d.domain = f.domain AND d.valid_from = f.valid_from)"))
    links = imported.links
    _insert(con, "identity_links", pl.DataFrame({
        "origin": [origin] * len(links), "a": [x.a for x in links], "b": [x.b for x in links],
        "name": [x.name for x in links], "detail": [x.detail for x in links]},
        schema={"origin": pl.String, "a": pl.String, "b": pl.String, "name": pl.String, "detail": pl.String},
    ).unique(subset=["origin", "a", "b"], keep="first", maintain_order=True))
    _insert(con, "org_aliases", pl.DataFrame({
        "alias": list(imported.org_aliases), "org": list(imported.org_aliases.values()),
        "origin": [origin] * len(imported.org_aliases)},
        schema={"alias": pl.String, "org": pl.String, "origin": pl.String}))
    _insert(con, "identity_splits", pl.DataFrame({
        "key": [k for k, _ in imported.splits], "origin": [origin] * len(imported.splits),
        "detail": [d for _, d in imported.splits]},
        schema={"key": pl.String, "origin": pl.String, "detail": pl.String}))
    _insert(con, "identity_bot_marks", pl.DataFrame({
        "key": list(imported.bot_marks), "is_bot": list(imported.bot_marks.values()),
        "origin": [origin] * len(imported.bot_marks)},
        schema={"key": pl.String, "is_bot": pl.Boolean, "origin": pl.String}))
    con.execute(
        "INSERT OR REPLACE INTO affiliation_files (origin, path, format, rank, imported_at, periods, domains, "
        "links, data_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [origin, path, imported.format, rank, datetime.now(timezone.utc), len(periods),
         domains.height, len(links), data_until(imported)])


def data_until(imported: Imported):
    """The day a snapshot file stops knowing about employers: for Stackalytics' default_data.json
    (unmaintained since 2021) its newest end date.  After that day an open-ended period from it
    is a guess and a newer mapped email domain wins (schema 0012).  Files a community maintains
    itself (gitdm, CSV, overrides) are taken as current: None."""
    if imported.format != "stackalytics":
        return None
    return max((p.valid_to for p in imported.periods if p.valid_to is not None), default=None)


def overrides_path(settings) -> Path | None:
    """The configured overrides file, else ``overrides.txt`` beside the config file."""
    configured = settings.section("affiliations").get("overrides")
    if configured:
        return settings.resolve(configured)
    return settings.base_dir / DEFAULT_OVERRIDES_NAME if settings.path else None


def _record_problem(con, origin: str, location: str, error: str | None) -> None:
    from healthdash.warehouse.load import finish_source, register_source
    register_source(con, f"affiliation:{origin}", "affiliation", location)
    finish_source(con, f"affiliation:{origin}", error)


def refresh_inputs(con: duckdb.DuckDBPyConnection, settings) -> list[str]:
    """Re-import what the settings name; return one line per file that failed."""
    con.execute("INSERT OR REPLACE INTO attribution_settings VALUES ('unknown_org', ?)",
                [settings.raw.get("unknown_org") or ""])   # "": "<domain> (unmapped)"
    con.execute("DELETE FROM attribution_settings WHERE key LIKE 'governance.%'")
    for key, value in settings.section("governance").items():
        con.execute("INSERT OR REPLACE INTO attribution_settings VALUES (?, ?)", [f"governance.{key}", str(value)])
    con.execute("DELETE FROM attribution_settings WHERE key LIKE 'scorecard.%'")
    for key, value in settings.section("scorecard").items():   # read by healthdash.metrics.scorecard
        con.execute("INSERT OR REPLACE INTO attribution_settings VALUES (?, ?)", [f"scorecard.{key}", str(value)])
    public = sorted({*PUBLIC_MAIL_DOMAINS, *(d.lower() for d in settings.raw.get("public_mail_domains", []))})
    con.execute("DELETE FROM public_mail_domains")
    _insert(con, "public_mail_domains", pl.DataFrame({"domain": public}))
    problems = []
    jobs = _configured_files(settings)
    _forget_unconfigured(con, {origin or Path(target.split(":", 1)[-1]).name for target, _, origin in jobs})
    for target, rank, origin in jobs:
        try:
            imported = read_file(target, origin=origin)
            store_imported(con, imported, rank=rank, path=target.split(":", 1)[-1])
            _record_problem(con, imported.origin, target, None)
        except HealthdashError as err:
            problems.append(err.message)
            _record_problem(con, origin or Path(target.split(":", 1)[-1]).name, target, err.message)
    _refresh_mailmaps(con, settings)
    return problems


def _configured_files(settings) -> list[tuple[str, int, str | None]]:
    """(target, rank, origin): overrides rank 0, then ``[affiliations].files`` in order."""
    section = settings.section("affiliations")
    jobs = [(_resolve_spec(settings, f), index + 1, None) for index, f in enumerate(section.get("files", []))]
    overrides = overrides_path(settings)
    if overrides is not None and (overrides.exists() or section.get("overrides")):
        jobs.insert(0, (f"overrides:{overrides}", 0, OVERRIDES_ORIGIN))
    return jobs


def _forget_unconfigured(con, configured: set[str]) -> None:
    """Files dropped from the config (ranks 1-89, and a vanished overrides file) stop counting;
    files imported with ``healthdash import-affiliations`` (ranks 0 and 100+, kept by name) stay."""
    rows = con.execute("SELECT origin FROM affiliation_files WHERE rank BETWEEN 1 AND 89 "
                       "OR origin = ?", [OVERRIDES_ORIGIN]).fetchall()
    for (origin,) in rows:
        if origin not in configured:
            forget(con, origin)


def forget(con: duckdb.DuckDBPyConnection, origin: str) -> None:
    """Drop everything imported from ``origin``."""
    for table in ("affiliation_records", "org_domains", "identity_links", "org_aliases",
                  "identity_splits", "identity_bot_marks", "affiliation_files"):
        con.execute(f"DELETE FROM {table} WHERE origin = ?", [origin])


def _resolve_spec(settings, spec: str) -> str:
    head, sep, rest = spec.partition(":")
    from healthdash.identity.importers import FORMATS
    if sep and head in FORMATS:
        return f"{head}:{settings.resolve(rest)}"
    return str(settings.resolve(spec))


def _refresh_mailmaps(con, settings) -> None:
    clone_root = settings.warehouse.parent / "repos"
    for repo in settings.repos.values():
        text = None
        configured = settings.section("repos").get(repo.name, {}).get("mailmap")
        if configured:
            path = settings.resolve(configured)
            text = path.read_text("utf-8", errors="replace") if path.is_file() else None
        else:
            slug = re.sub(r"[^A-Za-z0-9._/-]+", "-", repo.name).strip("-") or "source"
            for candidate in (repo.path, clone_root / slug):
                if candidate and Path(candidate).is_dir():
                    text = mailmap_mod.read_repo(candidate)
                    if text is not None:
                        break
        if text is not None:
            store_imported(con, mailmap_mod.parse(text, f"{repo.name}/.mailmap"), rank=90)


def rebuild_people(con: duckdb.DuckDBPyConnection, settings=None) -> list[str]:
    """Refresh inputs from ``settings`` (if given) and rebuild people + affiliations.

    Returns the problems met reading files (each also recorded as a failed
    ``affiliation:<file>`` source); the rebuild itself always completes.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        problems = refresh_inputs(con, settings) if settings is not None else []
        if not con.execute("SELECT count(*) FROM public_mail_domains").fetchall()[0][0]:
            _insert(con, "public_mail_domains", pl.DataFrame({"domain": list(PUBLIC_MAIL_DOMAINS)}))
        _rebuild(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return problems


def _rows(con, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def _rebuild(con: duckdb.DuckDBPyConnection) -> None:
    identities = [Identity(*row) for row in _rows(
        con, "SELECT identity_id, source, name, email, username, account_id FROM identities ORDER BY identity_id")]
    # In a fixed order (files by configured rank, then .mailmap files), not the table's physical order,
    # so the evidence a merge cites does not change when a re-collection or an import rewrites rows.
    links = [LinkRow(*row) for row in _rows(
        con, "SELECT l.origin, l.a, l.b, l.name, l.detail FROM identity_links l "
             "LEFT JOIN affiliation_files f USING (origin) ORDER BY f.rank NULLS LAST, l.origin, l.a, l.b, l.name")]
    people = build_people(
        identities, links,
        splits=[r[0] for r in _rows(con, "SELECT key FROM identity_splits")],
        trusted_origins=[r[0] for r in _rows(con, "SELECT origin FROM affiliation_files WHERE format = 'overrides'")],
        bot_patterns=[r[0] for r in _rows(con, "SELECT pattern FROM bot_patterns")],
        bot_marks=dict(_rows(con, "SELECT key, is_bot FROM identity_bot_marks")),
        bot_mark_origins=dict(_rows(con, "SELECT key, origin FROM identity_bot_marks WHERE origin IS NOT NULL")),
        public_domains=[r[0] for r in _rows(con, "SELECT domain FROM public_mail_domains")])
    con.execute("DELETE FROM identity_person")
    _insert(con, "identity_person", pl.DataFrame({
        "identity_id": list(people.identity_person),
        "person_id": [p for p, _ in people.identity_person.values()],
        "rule": [r for _, r in people.identity_person.values()]},
        schema={"identity_id": pl.String, "person_id": pl.String, "rule": pl.String}))
    con.execute("DELETE FROM people")
    _insert(con, "people", pl.DataFrame({
        "person_id": list(people.people), "display_name": [n for n, _ in people.people.values()],
        "is_bot": [b for _, b in people.people.values()],
        "fallback_domain": [people.fallback_domains.get(p) for p in people.people],
        "bot_reason": [people.bot_reasons.get(p) for p in people.people]},
        schema={"person_id": pl.String, "display_name": pl.String, "is_bot": pl.Boolean,
                "fallback_domain": pl.String, "bot_reason": pl.String}))
    keys = [(person, key) for person, nodes in people.person_keys.items() for key in nodes]
    _write_affiliations(con, pl.DataFrame({"person_id": [p for p, _ in keys], "key": [k for _, k in keys]},
                                          schema={"person_id": pl.String, "key": pl.String}))


def _write_affiliations(con, person_keys: pl.DataFrame) -> None:
    """Person periods = records whose key belongs to the person, org aliases resolved."""
    con.execute("UPDATE org_domains SET org = a.org FROM org_aliases a "
                "WHERE lower(org_domains.org) = a.alias AND org_domains.org <> a.org")
    con.execute("DELETE FROM affiliations")
    con.register("_hd_person_keys", person_keys.to_arrow())
    try:
        con.execute("""
            INSERT INTO affiliations (person_id, org, valid_from, valid_to, origin, rank, detail)
            SELECT person_id, org, valid_from, first(valid_to ORDER BY rank), origin,
                   min(rank), first(detail ORDER BY rank)
            FROM (
                SELECT k.person_id, coalesce(al.org, r.org) AS org, r.valid_from, r.valid_to,
                       r.origin, r.rank, r.detail
                FROM affiliation_records r
                JOIN _hd_person_keys k ON k.key = r.key
                LEFT JOIN org_aliases al ON al.alias = lower(r.org)
            )
            GROUP BY person_id, org, valid_from, origin""")
    finally:
        con.unregister("_hd_person_keys")
