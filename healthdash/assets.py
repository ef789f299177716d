"""Where the house style lives: the top-level ``assets/`` folder (Dash's convention, next to ``app.py``).

It holds the stylesheet, the dark theme, the organisation palette and the
slide deck's stylesheet.  A checkout serves it from the repository; a wheel
ships it as data files under ``<prefix>/share/healthdash/assets`` (see
pyproject.toml), so :func:`assets_dir` looks in both places.  No dash
import: figures and the deck exporter read the palette and the deck CSS too.
"""

from __future__ import annotations

import json
import site
import sys
from functools import lru_cache
from pathlib import Path

from healthdash.errors import HealthdashError

_PACKAGE = Path(__file__).resolve().parent
#: Relative place of the folder inside an installation prefix (wheel data files).
INSTALLED_SUBDIR = Path("share") / "healthdash" / "assets"
#: A file every complete assets folder has.
MARKER = "healthdash.css"


def _candidates() -> list[Path]:
    checkout = _PACKAGE.parent / "assets"                      # repository: <root>/assets next to app.py
    # installed: <prefix>/lib/pythonX.Y/site-packages/healthdash -> <prefix>/share/healthdash/assets
    beside_prefix = _PACKAGE.parents[3] / INSTALLED_SUBDIR if len(_PACKAGE.parents) > 3 else None
    prefixes = [sys.prefix, sys.base_prefix, getattr(site, "USER_BASE", None) or ""]
    return [p for p in [checkout, beside_prefix, *(Path(x) / INSTALLED_SUBDIR for x in prefixes if x)] if p]


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    """The assets folder of this checkout or installation (raises when neither has one)."""
    for candidate in _candidates():
        if (candidate / MARKER).is_file():
            return candidate
    looked = ", ".join(str(c) for c in _candidates())
    raise HealthdashError(f"the dashboard's assets folder is missing (looked in {looked}); "
                          "reinstall healthdash", title="installation incomplete")


def asset_text(name: str) -> str:
    return (assets_dir() / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def palette() -> dict:
    """The organisation palette (``org-palette.json``): ``colors`` and the fixed greys of ``fixed``."""
    return json.loads(asset_text("org-palette.json"))
