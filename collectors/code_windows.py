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

Everything is a few regular-expression passes run by ``re``'s C engine over
whole files, with no Python call per token and no tokenizer (see
``benchmarks/bench_code_windows.py`` for the cost against git alone).
"""

from __future__ import annotations

from hashlib import blake2b
import keyword
import re

WINDOW = 6
#: windows with fewer distinct normalised lines are boilerplate (a run of assignments, ...)
MIN_DISTINCT_LINES = 4
#: and with fewer normalised characters in all are too small to be worth reporting
MIN_CHARS = 36

_TRIPLE = re.compile(r"""\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'""")
_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_COMMENT = re.compile(r"#[^\n]*")
#: words kept as they are (structure); every other identifier folds to ``I``
_KEEP = {word: word for word in [*keyword.kwlist, "self", "cls"]}
_WORD = re.compile(r"[A-Za-z_]\w*")
_NUMBER = re.compile(r"\d[\w.]*")
_SPACE = re.compile(r"[ \t\f\r]+")
_IMPORT = re.compile(r"^(?:from|import)[I.]")
_DOCSTRING_LINE = re.compile(r"^\$$")          # a bare string: docstring


def _fold_word(match: re.Match, keep=_KEEP.get) -> str:
    return keep(match.group(), "I")


def _blank_triple(match: re.Match) -> str:
    return "$" + "\n" * match.group(0).count("\n")      # keep line numbers of multi-line strings


def normalise(text: str) -> list[tuple[int, str]]:
    """(original line number, normalised text) of each line that carries code.

    A few passes of C-level substitutions over the whole file: strings (string
    prefixes such as ``f`` or ``rb`` fold with the identifiers), then comments,
    then words (one dictionary lookup each: keywords kept), then numbers (after
    the words, so digits inside names are gone), then whitespace.
    """
    text = _TRIPLE.sub(_blank_triple, text)
    text = _STRING.sub("$", text)
    text = _COMMENT.sub("", text)
    text = _WORD.sub(_fold_word, text)
    text = _NUMBER.sub("0", text)
    text = _SPACE.sub("", text)
    kept = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line and not _DOCSTRING_LINE.match(line) and not _IMPORT.match(line):
            kept.append((number, line))
    return kept


def window_hash(lines: list[str]) -> int:
    digest = blake2b("\n".join(lines).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def windows(text: str, size: int = WINDOW) -> tuple[list[tuple[int, int, int]], int]:
    """((start line, end line, hash) of every non-trivial window, number of code lines)."""
    lines = normalise(text)
    codes = [code for _, code in lines]
    lengths = [len(code) for code in codes]
    found = []
    for index in range(len(codes) - size + 1):
        chunk = codes[index:index + size]
        if sum(lengths[index:index + size]) < MIN_CHARS or len(set(chunk)) < MIN_DISTINCT_LINES:
            continue
        found.append((lines[index][0], lines[index + size - 1][0], window_hash(chunk)))
    return found, len(codes)
