"""What every demo part sees (:class:`DemoContext`), below the build pipeline and its parts.

Kept apart from :mod:`healthdash.demo.build` so parts can import it without importing
the pipeline that imports them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthdash.demo.community import Community
from healthdash.demo.server import DemoServer


@dataclass
class DemoContext:
    """What every part sees: the community, where to write, the server, the config."""

    community: Community
    demo_dir: Path
    server: DemoServer
    config: dict[str, Any]
    seed: int = 2026
    scale: float = 1.0
    shared: dict[str, Any] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A random generator private to one part (same seed, same draws)."""
        return random.Random(f"healthdash-demo:{self.seed}:{name}")

    def path(self, *parts: str) -> Path:
        """A folder under the demo directory, created if missing."""
        folder = self.demo_dir.joinpath(*parts)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def add_source(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append a ``[[sources]]`` entry and return it (parts may add keys later)."""
        entry = {"kind": kind, **{k: v for k, v in fields.items() if v is not None}}
        self.config.setdefault("sources", []).append(entry)
        return entry
