"""Logging for the command line: a trace of retries and rate-limit waits, with secrets redacted.

Where it sits: called once by :func:`healthdash.cli.main`.  On a terminal the
progress bars already show retries and waits, so only errors are logged; when
stderr is not a terminal (cron, CI, a pipe to a file) every warning - each
retry and each rate-limit sleep of :mod:`collectors.http` - is written as one
timestamped line.  ``HEALTHDASH_LOG_LEVEL`` (``INFO``, ``WARNING``, ...)
overrides the level.  Every record passes :class:`healthdash.redact.RedactingFilter`.
"""

from __future__ import annotations

import logging
import os
import sys
import time

from healthdash.redact import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(stream=None) -> logging.Handler:
    """Install one redacting stderr handler on the root logger (idempotent) and return it."""
    stream = stream or sys.stderr
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "_healthdash", False):
            return handler
    interactive = hasattr(stream, "isatty") and stream.isatty()
    level_name = os.environ.get("HEALTHDASH_LOG_LEVEL", "ERROR" if interactive else "WARNING").upper()
    level = logging.getLevelName(level_name)
    if not isinstance(level, int):
        level = logging.WARNING
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT, "%Y-%m-%dT%H:%M:%SZ"))
    handler.formatter.converter = time.gmtime
    handler.addFilter(RedactingFilter())
    handler.setLevel(level)
    handler._healthdash = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, level))
    return handler
