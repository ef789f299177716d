"""Consistency metrics: conventions across repositories, and feature matrices.

Sits in the metrics layer (no Dash).  Conventions come from the ``repo_checks``
rows the git collector writes at each repository's read head (view
``latest_conventions``); feature matrices from the ``feature_matrix`` source.
The matrix and the two targets to compare are page parameters carried in the
URL (``matrix``, ``target_a``, ``target_b`` in ``filters.extra``); without
them the first matrix (by name) is shown and the comparison takes its two most
complete targets.
"""

from __future__ import annotations

import duckdb
import polars as pl

from healthdash.metrics import run
from healthdash.metrics.filters import Filters


#: URL keys of the Consistency page besides the global filters.
PAGE_KEYS = ("matrix", "target_a", "target_b")


def matrices(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> list[str]:
    """Names of the collected feature matrices, in name order."""
    return [row[0] for row in con.execute("SELECT DISTINCT matrix FROM feature_matrix ORDER BY matrix").fetchall()]


def _matrix(con: duckdb.DuckDBPyConnection, filters: Filters | None) -> str | None:
    chosen = (filters.extra.get("matrix") if filters else None) or None
    if chosen:
        return chosen
    names = matrices(con)
    return names[0] if names else None


def convention_matrix(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Repository x check: repo, project, team, check_name, check_title, position, passed, detail."""
    return run(con, "consistency_convention_matrix", filters)


def conformance_by_repo(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """repo, project, team, checks, passed, conformance (passed / checks), holes (titles)."""
    return run(con, "consistency_conformance_by_repo", filters)


def adoption_by_check(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """check_name, check_title, repos, passed, adoption (passed / repos), missing_in."""
    return run(con, "consistency_adoption_by_check", filters)


def feature_cells(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Feature x target: matrix, feature, feature_title, maturity, target, target_title, status, notes."""
    return run(con, "consistency_feature_cells", filters, matrix=_matrix(con, filters), holes_only=False)


def feature_holes(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """The cells that are missing, unknown or not listed, by target: target_title, feature_title,
    maturity, status, notes, then the ids target, feature, matrix."""
    df = run(con, "consistency_feature_cells", filters, matrix=_matrix(con, filters), holes_only=True)
    return df.select("target_title", "feature_title", "maturity", "status", "notes", "target", "feature", "matrix")


def feature_completeness(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Per matrix and target: features, complete, partial, missing, unknown, not_listed,
    completeness = (complete + 0.5 * partial) / features."""
    return run(con, "consistency_feature_completeness", filters, matrix=_matrix(con, filters))


def comparison_targets(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> tuple[str | None, str | None]:
    """The two targets to compare: ``target_a`` / ``target_b`` from the URL, else the two most complete."""
    extra = filters.extra if filters else {}
    chosen = [extra.get("target_a"), extra.get("target_b")]
    if all(chosen):
        return chosen[0], chosen[1]
    ranked = [t for t in feature_completeness(con, filters)["target"].to_list() if t not in chosen]
    picked = [c or (ranked.pop(0) if ranked else None) for c in chosen]
    return picked[0], picked[1]


def feature_differences(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """Features whose status differs between the two compared targets:
    feature_title, target_a, status_a, target_b, status_b, notes_a, notes_b, feature, matrix."""
    target_a, target_b = comparison_targets(con, filters)
    df = run(con, "consistency_feature_differences", filters, matrix=_matrix(con, filters),
             target_a=target_a, target_b=target_b)
    if target_a is None or target_b is None:
        df = df.clear()
    return df.with_columns(pl.lit(target_a).alias("target_a"), pl.lit(target_b).alias("target_b")).select(
        "feature_title", "target_a", "status_a", "target_b", "status_b", "notes_a", "notes_b", "feature", "matrix")


def summary(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> pl.DataFrame:
    """One row for KPIs and the scorecard: repos (checked), conformance (passed / checks over all
    repositories), weakest_check (lowest adoption) and its adoption, matrix_completeness (mean over
    targets), holes.  None where there is nothing to measure."""
    by_repo = conformance_by_repo(con, filters)
    by_check = adoption_by_check(con, filters)
    completeness = feature_completeness(con, filters)
    weakest = by_check.sort("adoption", maintain_order=True).head(1)   # ties: the first in check order
    return pl.DataFrame({
        "repos": [by_repo.height],
        "conformance": [by_repo["passed"].sum() / by_repo["checks"].sum() if by_repo.height else None],
        "weakest_check": [weakest["check_title"][0] if weakest.height else None],
        "weakest_check_adoption": [weakest["adoption"][0] if weakest.height else None],
        "matrix_completeness": [completeness["completeness"].mean() if completeness.height else None],
        "holes": [int((completeness["missing"] + completeness["unknown"] + completeness["not_listed"]).sum())
                  if completeness.height else None],
    }, schema={"repos": pl.Int64, "conformance": pl.Float64, "weakest_check": pl.String,
               "weakest_check_adoption": pl.Float64, "matrix_completeness": pl.Float64, "holes": pl.Int64})
