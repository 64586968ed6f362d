"""Execution engines: inputs split into shards, shards run in a process pool or on Ray, merged.

``collect`` is the front door (read every input, run the shards, merge them); ``shards`` plans the
work, ``task`` is the shard function every engine runs, ``cache`` keeps shard results between builds,
``local`` and ``ray_engine`` schedule the tasks and ``merge`` runs the corpus-level stages over the
shard outputs. The process they run in is tuned here too: start-up imports (``preload``,
``arrow_probe``), memory (``memory``), liveness (``processes``) and fault injection (``faults``).

What this module itself defines is the engine's public interface: the only names the release
writers (:mod:`masthead.release`) use, so the modules above can change without them. Importing it
is cheap: the functions load their engine modules (and pyarrow) when first called, and
``Collected``, ``ProgressFn`` and ``DocumentSet`` are for annotations only (``TYPE_CHECKING``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from masthead.engine.faults import checkpoint
from masthead.engine.processes import pid_alive

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa

    from masthead.engine.collect import Collected as Collected
    from masthead.engine.collect import ProgressFn as ProgressFn
    from masthead.engine.documents import DocumentSet as DocumentSet
    from masthead.settings import Settings

__all__ = ["checkpoint", "code_digest", "pid_alive", "read_columns", "state_dir", "verification_columns"]


def state_dir(settings: Settings) -> Path:
    """The build's own state folder (``<project>/.masthead``): shard cache, hash memo, kept derivations."""
    from masthead.engine.cache import state_dir as _state_dir

    return _state_dir(settings)


def code_digest() -> str:
    """SHA-256 over masthead's source files: part of every key that must change when the code does."""
    from masthead.engine.cache import code_digest as _code_digest

    return _code_digest()


def read_columns(path: Path, columns: list[str]) -> pa.Table:
    """``columns`` of one Parquet file the engine or a release wrote, read whole."""
    from masthead.engine.documents import read_columns as _read_columns

    return _read_columns(path, columns)


def verification_columns() -> dict[str, str]:
    """A metadata-only release's verification fields -> the work files' column holding each."""
    from masthead.engine.columns import RELEASE_SOURCES

    return dict(RELEASE_SOURCES)
