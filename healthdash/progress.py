"""Progress bars for long collections (rich), fed by the runner's Reporter hooks."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from healthdash.collect import Reporter, SourceResult


class RichReporter(Reporter):
    """One overall bar (sources done) and one line per running source (items, items/s)."""

    def __init__(self, console: Console):
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
            console=console, transient=False,
        )
        self.overall = None
        self.tasks: dict[str, int] = {}

    def __enter__(self) -> "RichReporter":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def start(self, spec) -> None:
        if self.overall is None:
            self.overall = self.progress.add_task("sources", total=None, rate="")
        self.tasks[spec.source_id] = self.progress.add_task(f"  {spec.source_id}", total=None, rate="")

    def advance(self, spec, items: int = 0, message: str | None = None) -> None:
        task_id = self.tasks[spec.source_id]
        self.progress.advance(task_id, items)
        task = self.progress.tasks[task_id]
        speed = task.speed
        rate = f"{speed:,.0f} items/s" if speed else ""
        self.progress.update(task_id, rate=message or rate)

    def finish(self, spec, result: SourceResult) -> None:
        task_id = self.tasks[spec.source_id]
        done = self.progress.tasks[task_id].completed
        note = f"[red]failed[/]: {result.error}" if result.error else f"{result.rows:,} rows"
        self.progress.update(task_id, total=done or 1, completed=done or 1, rate=note)
        self.progress.advance(self.overall, 1)
