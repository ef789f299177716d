"""Commonality metrics: common-library adoption, dependency drift, cross-repository duplicates.

Sits in the metrics layer (no Dash).  Reads what the git collector read at each
repository's head (``dependencies``, ``repo_imports``, ``code_windows`` ->
``duplicate_blocks``) and the community's reference lists (``common_libraries``,
``global_requirements``, ``constraints``), always through
``content_repos_in(...)``: only repositories whose content was read count, so
"not collected" never shows as "not used".  Specifiers are evaluated against
constrained versions with ``packaging`` (PEP 440), the one step SQL cannot do.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import polars as pl
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from healthdash.metrics import run
from healthdash.metrics.filters import Filters


def library_adoption(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Repository x common library: repo, project, team, library, status (declared / imported only /
    test only / not used), uses, importing_files, declared_in."""
    return run(con, "commonality_library_adoption", filters)


def adoption_by_repo(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """repo, project, team, libraries, declared, imported_only, adoption (declared / libraries)."""
    return run(con, "commonality_adoption_by_repo", filters)


def adoption_by_team(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """team, repos, pairs, declared, adoption (declared / repo x library pairs)."""
    return run(con, "commonality_adoption_by_team", filters)


@lru_cache(maxsize=4096)
def allows(specifier: str | None, version: str | None) -> bool | None:
    """Whether ``specifier`` admits ``version`` (pre-releases included); None when unknowable.
    Memoised: 2,000 repositories declare ~50,000 dependencies but only a few hundred distinct
    (specifier, version) pairs, and parsing each is most of the cost."""
    if version is None or specifier is None:
        return None
    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return None


#: The order of dependency_rows (the SQL's earlier ORDER BY, NULL lines last as in DuckDB).
ROW_ORDER = ["name", "repo", "file", "line"]


def dependency_rows(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Every declared dependency with its constrained version and ``allows_constraint``
    (None: no constraint for it, or a specifier/version packaging cannot read), by name, repo,
    file and line."""
    return _verdict_rows(con, filters).sort(ROW_ORDER, nulls_last=True, maintain_order=True)


def _verdict_rows(con: duckdb.DuckDBPyConnection, filters: Filters | None) -> pl.DataFrame:
    """dependency_rows in no particular order, for callers that only count (the summary): sorting
    52,000 rows in the SQL was a third of its ~45 ms.  Each distinct (specifier, version) pair is
    judged once (a few hundred of them) and joined back."""
    df = run(con, "commonality_dependency_rows", filters)
    pairs = df.select("specifier", "constrained_version").unique()
    verdicts = pairs.with_columns(pl.Series(
        "allows_constraint", [allows(s, v) for s, v in pairs.iter_rows()], dtype=pl.Boolean))
    return df.join(verdicts, on=["specifier", "constrained_version"], how="left", nulls_equal=True,
                   maintain_order="left")


def dependency_drift(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per dependency declared by >= 2 repositories: name, repos, specifiers (distinct), specifier_list,
    global_specifier, constrained_version, repos_excluding (whose specifier excludes it), excluding_repos."""
    return _drift(dependency_rows(con, filters))


def _drift(rows: pl.DataFrame) -> pl.DataFrame:
    if rows.is_empty():
        return pl.DataFrame(schema={"name": pl.String, "repos": pl.UInt32, "specifiers": pl.UInt32,
                                    "specifier_list": pl.String, "global_specifier": pl.String,
                                    "constrained_version": pl.String, "repos_excluding": pl.UInt32,
                                    "excluding_repos": pl.String})
    spelled = pl.when(pl.col("specifier") == "").then(pl.lit("(any)")).otherwise(pl.col("specifier"))
    return (rows.with_columns(spelled.alias("spelled"))
            .group_by("name")
            .agg(pl.col("repo").n_unique().alias("repos"),
                 pl.col("specifier").n_unique().alias("specifiers"),
                 pl.col("spelled").unique().sort().str.join(" | ").alias("specifier_list"),
                 pl.col("global_specifier").first(),
                 pl.col("constrained_version").first(),
                 pl.col("repo").filter(pl.col("allows_constraint") == False).n_unique()  # noqa: E712
                 .alias("repos_excluding"),
                 pl.col("repo").filter(pl.col("allows_constraint") == False).unique().sort()  # noqa: E712
                 .str.join(", ").alias("excluding_repos"))
            .filter(pl.col("repos") >= 2)
            .sort(["repos_excluding", "specifiers", "repos", "name"], descending=[True, True, True, False]))


def dependency_conflicts(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """The declarations whose specifier excludes the constrained version:
    repo, file, line, name, specifier, constrained_version."""
    return _conflicts(dependency_rows(con, filters))


def _conflicts(rows: pl.DataFrame) -> pl.DataFrame:
    return (rows.filter(pl.col("allows_constraint") == False)  # noqa: E712
            .select("repo", "project", "team", "file", "line", "name", "specifier", "constrained_version"))


def conflicting_repos_by_team(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """is_community, team, repos: the repositories with a declaration whose specifier excludes the
    constrained version (:func:`dependency_conflicts`' repositories), per team and overall, for the
    scorecard.  ``packaging`` decides each distinct (specifier, version) pair once, then one
    query counts the repositories declaring an excluding pair (~65 -> ~20 ms at 2,000 repositories)."""
    pairs = run(con, "commonality_constraint_pairs", filters)
    excluding = [(s, v) for s, v in pairs.iter_rows() if allows(s, v) is False]
    return run(con, "commonality_conflicting_repos_by_team", filters,
               specifiers=[s for s, _ in excluding], versions=[v for _, v in excluding])


def drift_by_repo(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per repository: dependencies (distinct names), conflicting (specifier excludes the constraint),
    unconstrained (no constraint at all; None when no constraints are loaded)."""
    rows = dependency_rows(con, filters)
    loaded = pl.col("constraints_loaded").any()
    return (rows.group_by("repo", "project", "team")
            .agg(pl.col("name").n_unique().alias("dependencies"),
                 pl.col("name").filter(pl.col("allows_constraint") == False).n_unique()  # noqa: E712
                 .alias("conflicting"),
                 pl.when(loaded).then(pl.col("name").filter(pl.col("constrained_version").is_null()).n_unique())
                 .alias("unconstrained"))
            .sort(["conflicting", "repo"], descending=[True, False]))


def duplicate_blocks(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Most-copied blocks: block, repos, copies, code_lines, location_a, link_a, location_b, link_b, in_repos."""
    return run(con, "commonality_duplicate_blocks", filters)


def duplicate_share(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                    *, shares_with: bool = True) -> pl.DataFrame:
    """Per repository: python_lines, duplicated_lines, duplicated_share, blocks, shares_with
    (NULL throughout with ``shares_with=False``, for callers that only count)."""
    return run(con, "commonality_duplicate_share", filters, shares_with=shares_with)


def summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row for KPIs and the scorecard: repos (content read), library_adoption (mean of per-repo
    adoption), drifting_dependencies (shared ones with > 1 specifier), conflicting_repos,
    duplicated_share (duplicated / all code lines).  None where there is nothing to measure."""
    by_repo = adoption_by_repo(con, filters)
    rows = _verdict_rows(con, filters)    # read once for both, unordered: the counts do not depend on it
    drift, conflicts = _drift(rows), _conflicts(rows)
    share = duplicate_share(con, filters, shares_with=False)
    lines = share["python_lines"].sum() if share.height else 0
    return pl.DataFrame({
        "repos": [share.height],
        "library_adoption": [by_repo["adoption"].mean() if by_repo.height else None],
        "drifting_dependencies": [drift.filter(pl.col("specifiers") > 1).height if share.height else None],
        "conflicting_repos": [conflicts["repo"].n_unique() if share.height else None],
        "duplicated_share": [share["duplicated_lines"].sum() / lines if lines else None],
    }, schema={"repos": pl.Int64, "library_adoption": pl.Float64, "drifting_dependencies": pl.Int64,
               "conflicting_repos": pl.Int64, "duplicated_share": pl.Float64})
