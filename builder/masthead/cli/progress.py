"""Rich progress bars on a terminal; silence (the summary says it all) when not a TTY."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from masthead.cli.app import stderr_is_tty
from masthead.collect import ProgressFn


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressFn | None]:
    if not enabled or not stderr_is_tty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

    tasks: dict[str, TaskID] = {}
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
