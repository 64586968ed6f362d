"""Inputs listed in sorted order and split into shards: the unit of work, caching and resuming.

A shard is a run of consecutive input files (in sorted path order), closed when it holds
``target_bytes`` of input or ``max_files`` files, or after a file whose name hashes to a
cut point (one in ``CUT_EVERY``); a large file is a shard of its own. The name cuts make
boundaries content-defined: a file that grows or shrinks shifts at most the shards up to
the next cut, so the other shards (and their cached results) stay the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGET_BYTES = 16 * 1024 * 1024
MAX_FILES = 512
CUT_EVERY = 64


@dataclass(frozen=True)
class Shard:
    """One unit of work: ``sources`` (paths under the raw folder) and their manifest rows."""

    index: int
    sources: tuple[str, ...]
    # source -> (manifest line, fields), only for the sources of this shard
    manifest_rows: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"shard-{self.index:05d}"


def file_size(raw: Path, source: str) -> int:
    try:
        return (raw / source).stat().st_size
    except OSError:
        return 0


def plan_shards(
    raw: Path,
    sources: list[str],
    manifest_rows: dict[str, tuple[int, dict[str, Any]]],
    target_bytes: int | None = None,
    max_files: int | None = None,
) -> list[Shard]:
    """Consecutive runs of ``sources`` (already sorted) of about ``target_bytes`` each."""
    target_bytes = target_bytes or TARGET_BYTES
    max_files = max_files or MAX_FILES
    shards: list[Shard] = []
    current: list[str] = []
    size = 0

    def close() -> None:
        nonlocal current, size
        if current:
            rows = {s: manifest_rows[s] for s in current if s in manifest_rows}
            shards.append(Shard(len(shards), tuple(current), rows))
        current, size = [], 0

    for source in sources:
        current.append(source)
        size += file_size(raw, source)
        if size >= target_bytes or len(current) >= max_files or _is_cut(source):
            close()
    close()
    return shards


def _is_cut(source: str) -> bool:
    return hashlib.sha256(source.encode("utf-8")).digest()[0] % CUT_EVERY == 0
