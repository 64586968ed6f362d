"""Import the release's heavy libraries in a thread while this process only waits for its workers.

A build's main process waits while the workers process the shards, then needs matplotlib (the
report's figures, ~0.3 s) and, until what ``datasets`` derives of the schema is kept
(:mod:`masthead.release.hf_schema`), ``datasets`` (~0.5 s), on its own critical path. Imported
while it waits instead, by a thread at the lowest priority (it takes only the CPU time the
workers leave), they mostly overlap the workers: one 2,000-document shard on two
workers, then these imports, took 1.92 s in a row and 1.67 s overlapped (``benchmarks``-style
run, same machine). Only where the main process waits (the work runs in other processes); in one
process the thread would only take turns with the work.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

FIGURE_MODULES = (
    "matplotlib.figure",
    "matplotlib.style",
    "matplotlib.ticker",
    "matplotlib.backends.backend_agg",
)


def release_modules(with_datasets: bool) -> tuple[str, ...]:
    """What writing a release imports: the figures' modules, and ``datasets`` when it is needed."""
    return ("datasets", *FIGURE_MODULES) if with_datasets else FIGURE_MODULES


def _import_all(modules: Sequence[str]) -> None:
    # on Linux a thread has its own nice value: this one takes only the CPU time the workers leave
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # an import that fails fails again, with its error, where it is used
            continue


@contextmanager
def importing_in_background(modules: Sequence[str], enabled: bool = True) -> Iterator[None]:
    """Import ``modules`` in a thread while the block runs; the block's end waits for the thread, so
    nothing after it imports concurrently (the block itself should import none of them)."""
    if not enabled:
        yield
        return
    thread = threading.Thread(target=_import_all, args=(tuple(modules),), name="masthead-preload", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
