"""Progress: a Rich bar with documents/s and an ETA on a terminal; one summary line per stage otherwise."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer

from masthead.cli.app import stderr_is_tty

if TYPE_CHECKING:  # masthead.engine.collect (the readers, yaml) loads when a command runs, not for --help
    from masthead.engine.collect import ProgressFn


class StageSummary:
    """When stderr is not a terminal: ``process: 10000 docs in 4.2 s (2381 docs/s)`` once per stage."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.started = 0.0
        self.done = 0
        self.lines: list[str] = []

    def update(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self._close()
            self.stage, self.started = stage, time.monotonic()
        self.done = done

    def _close(self) -> None:
        if self.stage is not None:
            seconds = max(time.monotonic() - self.started, 1e-9)
            if self.stage == "process" and not self.done:  # every shard came from the cache
                self.lines.append(f"process: every shard from the cache ({seconds:.1f} s)")
            else:
                self.lines.append(f"{self.stage}: {self.done} docs in {seconds:.1f} s ({self.done / seconds:.0f} docs/s)")
        self.stage = None

    def finish(self) -> None:
        self._close()
        for line in self.lines:
            typer.echo(line, err=True)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressFn | None]:
    if not enabled:
        yield None
        return
    if not stderr_is_tty():
        summary = StageSummary()
        yield summary.update
        summary.finish()  # only when the command succeeded: on failure, "Error: ..." comes first
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    tasks: dict[str, Any] = {}
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        TextColumn("[progress.data.speed]{task.fields[rate]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:
        started: dict[str, float] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="")
                started[stage] = time.monotonic()
            elapsed = time.monotonic() - started[stage]
            rate = f"{done / elapsed:.0f} docs/s" if elapsed > 0.2 else ""
            bar.update(tasks[stage], completed=done, total=total, rate=rate)

        yield update
