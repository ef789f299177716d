"""Collectors: sources -> record batches in the warehouse's column names.

This package knows sources and nothing of DuckDB or Dash; it never imports
``healthdash``.  Each module handles one source kind and yields
:class:`collectors.base.Batch` objects; ``REGISTRY`` maps a source kind to
the function that collects it.
"""

from __future__ import annotations

import importlib
from typing import Callable

#: source kind -> "module:function" producing batches for one source.
REGISTRY: dict[str, str] = {
    "git": "collectors.git:collect",
    "gerrit": "collectors.gerrit:collect",
    "github": "collectors.github:collect",
    "coverage": "collectors.coverage:collect",
    "launchpad": "collectors.launchpad:collect",
    "github_issues": "collectors.github_issues:collect",
    "advisories": "collectors.advisories:collect",
    "repo_checks": "collectors.repo_checks:collect",
    "feature_matrix": "collectors.feature_matrix:collect",
    "requirements": "collectors.requirements:collect",
}


def get(kind: str) -> Callable:
    """Return the collect function for a source kind (imported lazily)."""
    try:
        target = REGISTRY[kind]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown source kind {kind!r} (known: {known})") from None
    module_name, func = target.split(":")
    return getattr(importlib.import_module(module_name), func)
