"""Progress bars for long collections (rich), fed by the runner's Reporter hooks.

One overall bar (sources done of all, how many failed) and one line per
*running* source.  With few sources each finished line stays (rows or
"failed"); with many (:data:`KEEP_FINISHED` or more) finished lines are
removed, so 600 repositories never print 600 lines; the causes of failures are
summarised once at the end (:mod:`healthdash.collect_summary`).  Source names
are shortened in the middle to fit the terminal, never cut to a shared prefix.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from healthdash.collect import Reporter, SourceResult
from healthdash.collect_summary import middle_ellipsis
from healthdash.redact import redact

#: Below this many sources, finished sources keep their line.
KEEP_FINISHED = 20
#: Columns the bar, counts, rate and elapsed time take beside a source's name.
_OTHER_COLUMNS = 62


class RichReporter(Reporter):
    """Rich progress display for :func:`healthdash.collect.collect`."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(bar_width=20), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
            console=console, transient=False,
        )
        self.overall = None
        self.tasks: dict[str, int] = {}
        self.keep_finished = True
        self.failed = 0

    def __enter__(self) -> "RichReporter":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def _name(self, source_id: str) -> str:
        width = max(24, self.console.width - _OTHER_COLUMNS)
        return "  " + middle_ellipsis(source_id, width)

    def _task(self, task_id):
        """The Task by id (``Progress.tasks`` is a list whose positions shift as tasks are removed)."""
        return next(t for t in self.progress.tasks if t.id == task_id)

    def begin(self, specs) -> None:
        self.keep_finished = len(specs) < KEEP_FINISHED
        self.overall = self.progress.add_task("sources", total=len(specs) or None, rate="")

    def start(self, spec) -> None:
        if self.overall is None:
            self.overall = self.progress.add_task("sources", total=None, rate="")
        self.tasks[spec.source_id] = self.progress.add_task(self._name(spec.source_id), total=None, rate="")

    def advance(self, spec, items: int = 0, message: str | None = None) -> None:
        task_id = self.tasks[spec.source_id]
        self.progress.advance(task_id, items)
        speed = self._task(task_id).speed
        rate = f"{speed:,.0f} items/s" if speed else ""
        self.progress.update(task_id, rate=middle_ellipsis(redact(message), 60) if message else rate)

    def finish(self, spec, result: SourceResult) -> None:
        task_id = self.tasks.pop(spec.source_id)
        self.failed += bool(result.error)
        if self.keep_finished:
            done = self._task(task_id).completed
            note = "[red]failed[/] (see below)" if result.error else f"{result.rows:,} rows"
            self.progress.update(task_id, total=done or 1, completed=done or 1, rate=note)
        else:
            self.progress.remove_task(task_id)
        self.progress.advance(self.overall, 1)
        if self.failed:
            self.progress.update(self.overall, rate=f"[red]{self.failed:,} failed[/]")
