"""One error root for everything a user can cause or see.

The CLI prints ``title: message`` on one line to stderr and exits non-zero; the
dashboard shows the same text in a friendly panel.  Library errors are wrapped
with ``raise ... from err`` so the cause stays in tracebacks for developers.
"""

from __future__ import annotations


class HealthdashError(Exception):
    """Base error: ``message`` says what is wrong and names the input."""

    title = "healthdash error"

    def __init__(self, message: str, title: str | None = None):
        super().__init__(message)
        self.message = message
        if title:
            self.title = title

    def one_line(self) -> str:
        return f"{self.title}: {self.message}".replace("\n", " ")


class ConfigError(HealthdashError):
    title = "configuration error"


class CollectorError(HealthdashError):
    title = "collection failed"


class RateLimitError(CollectorError):
    title = "rate limited"


class WarehouseError(HealthdashError):
    title = "warehouse error"


class WarehouseBusyError(WarehouseError):
    title = "warehouse is busy"


class FilterError(HealthdashError):
    title = "invalid filter"
