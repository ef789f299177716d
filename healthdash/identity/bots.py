"""Which identities are automation: glob patterns with literal brackets, and the built-in defaults.

Patterns are matched against each identity's lower-cased name, email and
username.  ``*`` and ``?`` are wildcards; ``[`` and ``]`` are literal, so
``*[bot]`` matches ``dependabot[bot]`` and nothing else (a glob character class
would match any name containing b, o or t).  The same rule is applied in SQL
(``schema/0012_attribution_rules.sql``: ``GLOB replace(pattern, '[', '[[]')``).

:data:`DEFAULT_BOT_PATTERNS` always apply (configured ``[bots] patterns`` add to
them); they are checked against every person in OpenStack's Stackalytics file
and the real histories in ``../shared/data`` (tests/test_bots.py): they catch
Zuul, Jenkins, the proposal and release bots, infra-root and GitHub apps, and
no human.  A wrongly flagged person is corrected with ``people fix 'notbot …'``.
"""

from __future__ import annotations

import fnmatch
from typing import Iterable

DEFAULT_BOT_PATTERNS = (
    "*[bot]",                      # GitHub apps: dependabot[bot], github-actions[bot], renovate[bot]
    "zuul", "zuul@*",              # OpenDev's gate
    "jenkins", "jenkins@*", "openstack jenkins",   # OpenStack's CI before Zuul v3
    "openstack proposal bot", "openstack release bot", "proposal-bot@*", "release-bot@*",
    "infra-root@*", "openstack-infra@*",             # infra automation addresses
    "openstack ci", "elastic recheck", "github-actions", "dependabot", "renovate",
)


def literal_brackets(pattern: str) -> str:
    """The glob with ``[`` made literal (``[[]``) for fnmatch and SQL GLOB alike."""
    return pattern.lower().replace("[", "[[]")


def matching_pattern(values: Iterable[str | None], patterns: Iterable[str]) -> str | None:
    """``"pattern 'zuul@*' on 'zuul@review.opendev.org'"`` for the first match, else None."""
    cleaned = [(v or "").strip().lower() for v in values]
    for pattern in patterns:
        glob = literal_brackets(pattern)
        for value in cleaned:
            if value and fnmatch.fnmatchcase(value, glob):
                return f"pattern {pattern!r} on {value!r}"
    return None


def all_patterns(configured: Iterable[str]) -> list[str]:
    """Defaults first, then configured patterns (lower-cased, without duplicates)."""
    seen: dict[str, None] = {}
    for pattern in (*DEFAULT_BOT_PATTERNS, *configured):
        seen.setdefault(pattern.strip().lower(), None)
    return [p for p in seen if p]
