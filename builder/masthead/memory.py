"""Freed memory handed back to the system, between the stages of a build and after a worker's task."""

from __future__ import annotations

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
