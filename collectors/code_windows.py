"""Python source -> hashed windows of normalised lines, for cross-repository duplicates.

Part of reading a repository's content (:mod:`collectors.repo_content`).  A
file is normalised so that copied code still matches after renames and
reformatting: comments, docstrings and blank lines are dropped, string and
number literals become ``$`` and ``0``, identifiers become ``I`` (keywords
stay, so structure still counts), whitespace goes, and ``import`` lines are
skipped (they are not copied logic).  Every run of :data:`WINDOW` consecutive
remaining lines is hashed (64-bit, signed so it fits DuckDB's BIGINT) with
the first and last original line numbers.  Two repositories holding the same
window hash share at least ``WINDOW`` normalised lines; consecutive shared
windows form the duplicated blocks the metrics report.

Everything is regular expressions run by ``re``'s C engine over whole files;
no tokenizer, so a 1,000-file repository takes about a second.
"""

from __future__ import annotations

import hashlib
import keyword
import re

WINDOW = 6
#: windows with fewer distinct normalised lines are boilerplate (a run of assignments, ...)
MIN_DISTINCT_LINES = 4
#: and with fewer normalised characters in all are too small to be worth reporting
MIN_CHARS = 60

_STRINGS_AND_COMMENTS = re.compile(
    r"""(?P<triple>[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''))"""
    r"""|(?P<string>[rRbBuUfF]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))"""
    r"""|(?P<comment>\#[^\n]*)""")
_KEYWORDS = sorted(set(keyword.kwlist) | {"self", "cls"}, key=len, reverse=True)
_IDENTIFIER = re.compile(r"\b(?!(?:%s)\b)[A-Za-z_]\w*" % "|".join(_KEYWORDS))
_NUMBER = re.compile(r"\b\d[\w.]*")
_SPACE = re.compile(r"[ \t\f\r]+")
_IMPORT = re.compile(r"^(?:from|import)[I.]")
_DOCSTRING_LINE = re.compile(r"^\$$")          # a bare string: docstring


def _blank_literal(match: re.Match) -> str:
    text = match.group(0)
    if match.lastgroup == "comment":
        return ""
    return "$" + "\n" * text.count("\n")      # keep line numbers of multi-line strings


def normalise(text: str) -> list[tuple[int, str]]:
    """(original line number, normalised text) of each line that carries code."""
    text = _STRINGS_AND_COMMENTS.sub(_blank_literal, text)
    text = _NUMBER.sub("0", text)
    text = _IDENTIFIER.sub("I", text)
    text = _SPACE.sub("", text)
    kept = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line and not _DOCSTRING_LINE.match(line) and not _IMPORT.match(line):
            kept.append((number, line))
    return kept


def window_hash(lines: list[str]) -> int:
    digest = hashlib.blake2b("\n".join(lines).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def windows(text: str, size: int = WINDOW) -> tuple[list[tuple[int, int, int]], int]:
    """((start line, end line, hash) of every non-trivial window, number of code lines)."""
    lines = normalise(text)
    found = []
    for index in range(len(lines) - size + 1):
        chunk = [line for _, line in lines[index:index + size]]
        if len(set(chunk)) < MIN_DISTINCT_LINES or sum(map(len, chunk)) < MIN_CHARS:
            continue
        found.append((lines[index][0], lines[index + size - 1][0], window_hash(chunk)))
    return found, len(lines)
