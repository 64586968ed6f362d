"""Inputs listed in sorted order and split into shards: the unit of work, caching and resuming.

A shard is a run of consecutive input files (in sorted path order). Where runs are cut is
decided file by file, from the file alone, so a file that changes moves at most the cuts
next to it and every other shard (and its cached result) stays the same:

- after a file whose name hashes to a cut point (one in ``CUT_EVERY``);
- after a file of ``size`` bytes with probability ``size / target`` (drawn from a hash of its
  name), so shards hold about ``target`` bytes on average and a file of ``target`` bytes or
  more always closes its shard;
- and, to bound the rare long run, after ``max_files`` files or ``MAX_FACTOR * target`` bytes.

A JSON Lines file larger than ``SPLIT_FACTOR * target`` bytes is a run of its own, cut into
``ceil(size / target)`` parts by line count (:func:`part_of`): each part is a shard, so one big
file still uses every worker and a worker holds one part's documents, not the whole file's. A WARC
file is cut so once it is over ``target`` bytes, at record starts (``readers.warc_frames``): a part
reads only its own share of the bytes, and a compressed page is several times the work of its bytes
of text, so one WARC of a few shards' bytes would otherwise hold back every worker but one.

The target depends on the corpus size only (never on the number of workers), in powers of
two: about ``SHARDS`` shards, between ``MIN_TARGET_BYTES`` and ``TARGET_BYTES`` (2 and 16 MiB). A small
corpus gets enough shards to keep every worker busy; a large one not so many that the
merge's per-shard read buffers add up. The target moves only when the corpus size crosses
a power of two, the one time a rebuild re-runs every shard.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from masthead.readers.files import Listed

# The largest target: a worker holds its shard's documents until it writes them (~16 MiB of
# input is ~200 MB of worker memory); tests lower it to get many shards.
TARGET_BYTES = 16 * 1024 * 1024
MIN_TARGET_BYTES = 2 * 1024 * 1024
SHARDS = 32
MAX_FACTOR = 4
MAX_FILES = 512
CUT_EVERY = 64
# Split only what a run of files could not be: a file past the longest run (at 16 MiB shards, 64 MiB:
# ~800 MB of records in one worker); below that, splitting costs more (a part reads the whole file) than it saves
SPLIT_FACTOR = MAX_FACTOR
# uncompressed JSON Lines (cut by lines) and WARC files (by bytes, at record or gzip member starts: readers.warc_frames)
SPLIT_SUFFIXES = (".jsonl", ".ndjson", ".warc", ".warc.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
# a WARC part reads only its own bytes, so it costs nothing to cut one as soon as it is over a shard's bytes
WARC_SPLIT_FACTOR = 1


@dataclass(frozen=True)
class Shard:
    """One unit of work: ``sources`` (paths under the raw folder) and their manifest rows."""

    index: int
    sources: tuple[str, ...]
    # source -> (manifest line, fields), only for the sources of this shard
    manifest_rows: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    part: tuple[int, int] | None = None  # (index, count): the part of its one source's lines
    # source -> the file as the build's listing hashed it: the bytes the shard reads (readers.files)
    listed: dict[str, Listed] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"shard-{self.index:05d}"


def file_size(raw: Path, source: str) -> int:
    try:
        return (raw / source).stat().st_size
    except OSError:
        return 0


def shard_target(total_bytes: int) -> int:
    """Bytes per shard for a corpus of ``total_bytes``: about ``SHARDS`` shards, a power of two."""
    wanted = max(1, total_bytes // SHARDS)
    return min(TARGET_BYTES, max(MIN_TARGET_BYTES, 1 << (wanted.bit_length() - 1)))


def plan_shards(
    raw: Path,
    sources: list[str],
    manifest_rows: dict[str, tuple[int, dict[str, Any]]],
    target_bytes: int | None = None,
    max_files: int | None = None,
    listed: dict[str, Listed] | None = None,
) -> list[Shard]:
    """Consecutive runs of ``sources`` (already sorted) of about ``target_bytes`` each; ``listed``:
    the files as the build listed them, cut by those sizes and read as listed."""
    listed = listed or {}
    sizes = [listed[source].size if source in listed else file_size(raw, source) for source in sources]
    target = target_bytes or shard_target(sum(sizes))
    max_files = max_files or MAX_FILES
    shards: list[Shard] = []
    current: list[str] = []
    size = 0

    def close() -> None:
        nonlocal current, size
        if current:
            rows = {s: manifest_rows[s] for s in current if s in manifest_rows}
            shards.append(Shard(len(shards), tuple(current), rows, listed={s: listed[s] for s in current if s in listed}))
        current, size = [], 0

    for source, nbytes in zip(sources, sizes, strict=True):
        if source.lower().endswith(SPLIT_SUFFIXES) and nbytes > split_factor(source) * target:
            close()
            count = -(-nbytes // target)
            rows = {source: manifest_rows[source]} if source in manifest_rows else {}
            mine = {source: listed[source]} if source in listed else {}
            shards.extend([Shard(len(shards) + i, (source,), rows, (i, count), mine) for i in range(count)])
            continue
        current.append(source)
        size += nbytes
        if (_is_cut(source) or _size_cut(source, nbytes, target) or len(current) >= max_files
                or size >= MAX_FACTOR * target):
            close()
    close()
    return shards


def split_factor(source: str) -> int:
    """How many shards' bytes ``source`` must be over to be cut into parts."""
    return WARC_SPLIT_FACTOR if source.lower().endswith(WARC_SUFFIXES) else SPLIT_FACTOR


def _digest(source: str) -> bytes:
    return hashlib.sha256(source.encode("utf-8")).digest()


def _is_cut(source: str) -> bool:
    return _digest(source)[0] % CUT_EVERY == 0


def _size_cut(source: str, nbytes: int, target: int) -> bool:
    """True with probability ``nbytes / target``, decided by the file's name."""
    draw = int.from_bytes(_digest(source)[1:9], "big") / 2**64
    return draw * target < nbytes


def part_of(lines: int, part: tuple[int, int] | None) -> range:
    """The line indexes (0-based) of ``part`` = (index, count) of a file of ``lines`` lines: equal
    runs by line count, decided by the text alone (the same on any machine)."""
    if part is None:
        return range(lines)
    index, count = part
    return range(lines * index // count, lines * (index + 1) // count)
