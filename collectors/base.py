"""The one small interface every collector speaks.

A collector is a generator function ``collect(source, since, progress=None)``
that yields :class:`Batch` objects.  Each batch is loaded by the warehouse in
one transaction: its frames are upserted by natural key, then the source's
cursor advances to ``batch.cursor`` (when set).  ``source`` is a
:class:`SourceSpec`; ``since`` is the cursor stored by the previous run, or
``None`` for a full collection.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Protocol

if TYPE_CHECKING:       # not imported at run time: a git split worker never loads polars (collectors.gitparse)
    import polars as pl


class CollectorError(Exception):
    """A source could not be read; the message names the source."""


_JSON_NAMES = {dict: "object", list: "array", str: "string", int: "number", float: "number",
               bool: "boolean", type(None): "null"}


def expect_shape(value: Any, kind: type, where: str) -> Any:
    """``value`` when it is a ``kind`` (``dict`` or ``list``); else a one-line :class:`CollectorError`.

    Valid JSON of the wrong type (``[]`` where a repository object belongs, a bug
    record that is a list) is a broken source, not a crash: the run records it
    against the source and goes on with the others.
    """
    if not isinstance(value, kind):
        raise CollectorError(f"{where}: expected a JSON {_JSON_NAMES.get(kind, kind.__name__)}, "
                             f"got {_JSON_NAMES.get(type(value), type(value).__name__)}")
    return value


@contextlib.contextmanager
def parsing(where: str, *, detail: bool = True) -> Iterator[None]:
    """Turn a parser's surprise at a payload's shape into a one-line :class:`CollectorError`.

    Parsers read nested JSON by its documented shape; a value of another type
    (a list where an object belongs, ``null`` for a list, text for a number)
    ends that source's run with one line naming ``where`` instead of a traceback.
    ``detail=False`` leaves the exception's own text out (it may quote a private
    item's field, e.g. a Launchpad bug's title).
    """
    try:
        yield
    except CollectorError:
        raise
    except (AttributeError, TypeError, KeyError, ValueError, IndexError, *_polars_errors()) as err:
        text = " ".join(str(err).split())[:160] if detail else ""
        raise CollectorError(f"{where}: unexpected data ({type(err).__name__}{': ' + text if text else ''})") from None


def _polars_errors() -> tuple[type[Exception], ...]:
    """polars' own error, when polars is loaded (when it is not, no polars call can have failed)."""
    polars = sys.modules.get("polars")
    return (polars.exceptions.PolarsError,) if polars is not None else ()


def expect_objects(values: Any, where: str) -> list:
    """A JSON array whose items are all objects (a page of changes, pulls, tasks ...)."""
    for value in expect_shape(values, list, where):
        expect_shape(value, dict, f"{where} item")
    return values


@dataclass(frozen=True)
class SourceSpec:
    """What to collect: ``kind`` (git, gerrit, ...), a stable ``source_id``
    (cursor key), a ``location`` (path or URL) and kind-specific ``options``."""

    kind: str
    source_id: str
    location: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Batch:
    """Frames to load in one transaction, keyed by warehouse table name.

    ``replace`` maps a table to column filters (``{"commits": {"repo": "nova"}}``):
    matching rows are deleted before the insert, for full re-scans.
    ``cursor`` is stored as the source's cursor once the batch is committed.
    """

    frames: dict[str, pl.DataFrame]
    cursor: str | None = None
    replace: dict[str, dict[str, Any]] = field(default_factory=dict)

    def rows(self) -> int:
        return sum(frame.height for frame in self.frames.values())


class Progress(Protocol):
    def __call__(self, advance: int = 0, *, message: str | None = None) -> None: ...


Collect = Callable[..., Iterator[Batch]]


def identity_id(source: str, *, email: str | None = None, name: str | None = None,
                username: str | None = None, account_id: str | None = None) -> str:
    """Stable id of one raw identity as a source reports it.

    The same (source, email, name, username, account id) always gives the same
    id, so reloading never duplicates identities; merging identities into people
    happens later, in the identity layer.
    """
    parts = [source, (email or "").strip().lower(), (name or "").strip(),
             (username or "").strip().lower(), str(account_id or "")]
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
