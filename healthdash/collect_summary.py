"""What a collection says at the end: failures grouped by cause, then one last line.

At 600 repositories one line per failure (or one line holding them all) is
unreadable.  Errors are grouped by their *cause*: the error text with the
source's own location and name taken out ("git repository <location> does not
exist"), so 571 missing clones become one line naming the folder they were
expected under.  No line is longer than :data:`MAX_LINE` characters; the last
line says how many sources succeeded and how many failed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Iterable, Protocol

#: No console line is longer than this.
MAX_LINE = 300
#: Example sources named per cause.
EXAMPLES = 3
#: Causes said in plain words ({n}: how many; {under}: " under <folder>" when they share one).
PHRASES = {
    "git repository <location> does not exist": "{n} git repositories not found{under}",
    "<location> is not a git repository": "{n} folders{under} are not git repositories",
}


class ResultLike(Protocol):
    source_id: str
    kind: str
    rows: int
    error: str | None
    location: str


def middle_ellipsis(text: str, width: int) -> str:
    """``text`` shortened to ``width`` characters by cutting its middle (ends stay readable)."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = (width - 1 + 1) // 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def cause_of(result: ResultLike) -> str:
    """The error with this source's location and id replaced, so equal causes group together."""
    text = " ".join((result.error or "").split())
    name = result.source_id.split(":", 1)[-1]
    for value, placeholder in ((result.location, "<location>"), (result.source_id, "<source>"),
                               (name, "<name>")):
        if value and len(value) > 2:
            text = text.replace(value, placeholder)
    return text


def _where(locations: list[str]) -> str:
    """The folder every location lies under (for local paths), or ''."""
    paths = [loc for loc in locations if loc and "://" not in loc and os.path.isabs(loc)]
    if len(paths) != len(locations) or len(paths) < 2:
        return ""
    common = os.path.commonpath(paths)
    return common if common not in ("", "/") else ""


def failure_lines(results: Iterable[ResultLike]) -> list[str]:
    """One line per cause (most frequent first), each at most :data:`MAX_LINE` characters."""
    groups: dict[str, list[ResultLike]] = defaultdict(list)
    for result in results:
        if result.error:
            groups[cause_of(result)].append(result)
    lines = []
    for cause, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(members) == 1:
            lines.append(middle_ellipsis(members[0].error, MAX_LINE))
            continue
        where = _where([m.location for m in members])
        kinds = sorted({m.kind for m in members})
        noun = f"{'/'.join(kinds)} sources"
        under = f" under {where}" if where else ""
        examples = ", ".join(m.source_id for m in members[:EXAMPLES]) + (", …" if len(members) > EXAMPLES else "")
        head = f"{len(members)} {noun} failed{under}: "
        if cause in PHRASES:
            head, cause = PHRASES[cause].format(n=len(members), under=under), ""
        tail = f" (e.g. {examples})"
        room = MAX_LINE - len(head) - len(tail)
        if room < 40:   # long example names: keep the cause readable, drop the examples
            tail = ""
            room = MAX_LINE - len(head)
        lines.append(head + (middle_ellipsis(cause, room) if cause else "") + tail)
    return lines


def final_line(results: list[ResultLike]) -> str:
    """``collected 29 of 600 sources (12,345 rows); 571 failed — …`` (at most MAX_LINE)."""
    sources = [r for r in results if r.kind != "affiliation"]
    ok = [r for r in sources if not r.error]
    failed = [r for r in results if r.error]
    rows = sum(r.rows for r in ok)
    text = f"collected {len(ok)} of {len(sources)} source(s) ({rows:,} rows)"
    if failed:
        files = sum(1 for r in failed if r.kind == "affiliation")
        text += f"; {len(failed) - files} failed" if len(failed) > files else ""
        text += f"; {files} affiliation file(s) could not be read" if files else ""
        text += " — `healthdash status --errors` lists them"
    return middle_ellipsis(text, MAX_LINE)
