"""``.mailmap`` entries as identity merge links.

healthdash stores each commit's raw author (``%an``/``%ae``), so the
repository's ``.mailmap`` is applied here, in the identity layer, where every
merge stays explainable.  Forms understood (gitmailmap(5))::

    Proper Name <commit@email>
    <proper@email> <commit@email>
    Proper Name <proper@email> <commit@email>
    Proper Name <proper@email> Commit Name <commit@email>

Only entries that map one address to another merge identities; a name-only
entry changes nothing about who a person is.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from healthdash.identity.records import Imported, Link, email_key

_ENTRY = re.compile(r"^\s*(?P<pname>[^<#]*?)\s*<(?P<pemail>[^>]*)>"
                    r"(?:\s*(?P<cname>[^<#]*?)\s*<(?P<cemail>[^>]*)>)?\s*(?:#.*)?$")


def parse(text: str, origin: str) -> Imported:
    imported = Imported(origin=origin, format="mailmap")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ENTRY.match(line)
        if not match or not match["cemail"]:
            continue
        proper, commit = match["pemail"].strip().lower(), match["cemail"].strip().lower()
        if not proper or not commit or proper == commit:
            continue
        name = match["cname"].strip() or None
        who = f"{name} <{commit}>" if name else f"<{commit}>"
        imported.links.append(Link(email_key(proper), email_key(commit),
                                   f"{origin}:{number} maps {who} to <{proper}>", name=name))
    return imported


def read_repo(path: str | Path) -> str | None:
    """The ``.mailmap`` committed at HEAD of the repository at ``path`` (None if absent)."""
    try:
        out = subprocess.run(["git", "-C", str(path), "show", "HEAD:.mailmap"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None
