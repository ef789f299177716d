"""Words for codes: the one mapping from column names and coded values to what a reader sees.

Pages, table headers, legends, slide decks and exports all ask here, so
``bug_filed`` reads "Bugs filed" and ``hhi`` reads "HHI (concentration)"
everywhere.  Machine-facing names stay codes: CSV headers are snake_case
(:func:`snake_case`) so a sponsor's spreadsheet formulas survive a relabel.
No dash or metrics import: the exports use it without an app.
"""

from __future__ import annotations

import re

#: Contribution kinds (the ``kind`` filter and column).
KIND_LABELS = {
    "commit": "Commits", "review": "Reviews", "core_review": "Core reviews (+2)",
    "merged_change": "Merged changes", "bug_filed": "Bugs filed", "bug_fixed": "Bugs fixed",
    "all": "All selected kinds",
}

#: Governance verdicts, said as a sentence where a bare word would puzzle a reader.
VERDICT_LABELS = {
    "diverse affiliation": "Diverse affiliation",
    "single vendor": "Single vendor",
    "neither": "Neither diverse nor single-vendor (between the thresholds)",
    "no data": "No data",
}

#: Column names whose plain-English form is not just the words of the name.
COLUMN_LABELS = {
    "org": "Organisation", "orgs": "Organisations", "hhi": "HHI (concentration)",
    "effective_orgs": "Effective organisations (1/HHI)", "elephant_factor": "Elephant factor",
    "pony_factor": "Pony factor", "top1_share": "Top-1 share", "top2_share": "Top-2 share",
    "top_org": "Top organisation", "top_org_share": "Top organisation share",
    "independent_share": "Independents' share", "share": "Share", "share_of_team": "Share of team",
    "kind": "Contribution kind", "repo": "Repository", "as_of": "As of", "window_days": "Window (days)",
    "core_reviews": "Core reviews (+2)", "core_reviewers": "Core reviewers", "cve": "CVE", "cves": "CVEs",
    "url": "Link", "ossa": "OSSA", "ci": "CI", "pct": "%", "loc": "Lines of code",
    "margin_text": "Margin", "not_evaluable": "Cannot evaluate", "cannot_evaluate": "Cannot evaluate",
    "person_id": "Person id", "first_day": "First", "last_day": "Last", "n": "Count",
}

#: Words written in capitals inside a generated label.
_ACRONYMS = {"ci": "CI", "cve": "CVE", "cves": "CVEs", "hhi": "HHI", "url": "URL", "id": "id", "ossa": "OSSA",
             "loc": "LOC", "prs": "PRs", "pr": "PR", "tc": "TC"}


def snake_case(name: str) -> str:
    """The CSV header of a column: lower-case words joined by underscores (``core reviews`` -> ``core_reviews``)."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    cleaned = re.sub(r"[^0-9A-Za-z]+", "_", words).strip("_").lower()
    return cleaned or "column"


def label(code: str) -> str:
    """What a reader sees for a column name or code: the mapping, else its words capitalised."""
    text = str(code)
    key = snake_case(text)
    for table in (COLUMN_LABELS, KIND_LABELS):
        if key in table:
            return table[key]
    words = [_ACRONYMS.get(w, w) for w in key.split("_")]
    sentence = " ".join(words)
    return sentence[:1].upper() + sentence[1:] if sentence else text


def value_label(column: str, value):
    """A coded cell value in words (kinds, verdicts); other values unchanged."""
    if not isinstance(value, str):
        return value
    key = snake_case(column)
    if key == "kind":
        return KIND_LABELS.get(value, value)
    if key == "verdict":
        return VERDICT_LABELS.get(value, value)
    return value


#: Columns whose values are codes that :func:`value_label` turns into words.
CODED_COLUMNS = ("kind", "verdict")


def day_text(day) -> str:
    """``30 Sep 2024`` (no leading zero)."""
    return f"{day.day} {day:%b %Y}"


def filters_sentence(filters, start=None, end=None) -> str:
    """One line saying what a view holds, for slides and embeds where the filter bar is not shown:
    ``Team: Storage · Reviews · Release cycle 2024.2: 30 Sep 2024 – 2 Apr 2025``.

    ``filters`` is a :class:`healthdash.metrics.Filters` (read by attribute); ``start`` / ``end``
    the period the numbers cover (the resolved cycle or dates, ``end`` capped at the data's end).
    """
    parts = []
    for key, name in (("team", "Team"), ("project", "Project"), ("repo", "Repository"), ("org", "Organisation")):
        values = tuple(getattr(filters, key, ()) or ())
        if values:
            parts.append(f"{name}{'s' if len(values) > 1 else ''}: {', '.join(values)}")
    if not any(getattr(filters, key, ()) for key in ("team", "project", "repo")):
        parts.insert(0, "All teams")
    kinds = tuple(getattr(filters, "kind", ()) or ())
    if kinds:
        parts.append(", ".join(KIND_LABELS.get(k, k) for k in kinds))
    start = start or getattr(filters, "start", None)
    end = end or getattr(filters, "end", None)
    period = (f"{day_text(start)} – {day_text(end)}" if start and end else f"from {day_text(start)}" if start
              else f"all data to {day_text(end)}" if end else "all time")
    cycle = getattr(filters, "cycle", None)
    parts.append(f"Release cycle {cycle}: {period}" if cycle else period)
    if getattr(filters, "include_bots", False):
        parts.append("bots included")
    return " · ".join(parts)
