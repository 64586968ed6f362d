"""Freed memory handed back to the system, between the stages of a build and after a worker's task."""

from __future__ import annotations

import contextlib
import ctypes
import sys


def return_free_memory() -> None:
    """Arrow's and the C library's allocators keep freed pages for reuse: after a merge (~100 MB at
    a million documents) or a shard (a worker that ran hundreds of shards otherwise keeps growing),
    give them back, since what comes next allocates other sizes."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        try:
            trim = getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc; absent on musl
        except OSError:
            return
        if trim is not None:
            trim(0)


def use_returning_allocator() -> str:
    """Arrow's allocator for this process: jemalloc, where pyarrow has it, unless the user chose one
    with ``ARROW_DEFAULT_MEMORY_POOL``, set to hand freed pages back at once. Returns the allocator
    in use.

    The write pass allocates and frees ~60 MB row groups on three threads; pyarrow's default
    (mimalloc) keeps much of what they free, and the more row groups a build writes the more it
    keeps. Measured on the 100k write pass (``benchmarks/merge_memory.py``): peak 663 MB and
    594 MB still held after it with mimalloc, 506 MB and 246 MB with jemalloc, the same time.
    jemalloc itself keeps freed pages for a second (its decay time) before returning them, which
    at the write pass's rate is a row group or two: with no delay the same replays peaked at
    488-495 MB instead of 540-542 (100k) and 607-674 MB instead of 690-739 (1M), the same time."""
    import os

    import pyarrow as pa

    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        with contextlib.suppress(NotImplementedError):  # a pyarrow built without jemalloc (e.g. on Windows)
            pa.set_memory_pool(pa.jemalloc_memory_pool())
    if pa.default_memory_pool().backend_name == "jemalloc":
        pa.jemalloc_set_decay_ms(0)
    return str(pa.default_memory_pool().backend_name)
