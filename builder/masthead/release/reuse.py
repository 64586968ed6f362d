"""Release shards reused from the previous release: the files of a shard whose documents did not change.

A Parquet shard, and its ``hf/`` Arrow file, is a function of its rows only: the same documents
in the same order, under the same schema, writer options and tool versions, give the same bytes
(``masthead.release.parquet``). So a shard of the new release whose ids are exactly the ids of
the same shard of the previous release, none of them changed (text or metadata, by the diff), is
taken from the previous release (a hard link, a copy where links are not possible) instead of
being read, encoded and written again. The previous files' bytes are checked against that
release's SHA256SUMS first: a file changed after its release is never carried forward.

Nothing is reused across a change of masthead's code, pyarrow or ``datasets`` version, of the document
schema or of the rows per shard (``shard_rows``, ``shard_bytes``), or with ``--no-cache``; the release
is then written in full, as the first one was. Either way the bytes are the same (``tests/test_release_reuse.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from masthead import __version__
from masthead.errors import IntegrityError

if TYPE_CHECKING:
    from masthead.engine import DocumentSet
    from masthead.release.diff import DocumentDiff

SHARDS = "shards"  # the manifest's key: each split's shard files, rows and Arrow bytes
hard_link = os.link


def tool_versions() -> dict[str, str]:
    """What a release's bytes depend on besides its inputs: masthead's code (a digest of its source,
    as the shard cache keys have), and the libraries whose version is in the files (Parquet footers,
    ``hf/`` Arrow files)."""
    from importlib.metadata import version

    from masthead.engine import code_digest

    return {"masthead_code": code_digest(), "pyarrow": pa.__version__, "datasets": version("datasets")}


def link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a hard link to ``source`` (a release file is never written again, so two releases
    can share it: no time or space spent on a copy), or a copy where links are not possible."""
    import shutil

    try:
        hard_link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def hf_name(split: str, index: int, count: int) -> str:
    return f"hf/{split}/data-{index:05d}-of-{count:05d}.arrow"


@dataclass(frozen=True)
class ReusedShard:
    parquet: Path  # the previous release's file
    parquet_sha256: str
    arrow_bytes: int  # the rows' in-memory size (the card's num_bytes counts it)
    hf: Path | None
    hf_sha256: str | None


@dataclass
class ReusePlan:
    """(split, shard index) -> the previous release's files for that shard."""

    shards: dict[tuple[str, int], ReusedShard] = field(default_factory=dict)
    previous: str | None = None  # the previous release's version

    def for_split(self, split: str) -> dict[int, ReusedShard]:
        return {index: shard for (name, index), shard in self.shards.items() if name == split}

    def reused_positions(self, docs: DocumentSet, shard_rows: int) -> np.ndarray | None:
        """Which documents (positions in id order) are in a reused shard; None when none is."""
        if not self.shards:
            return None
        mask = np.zeros(len(docs), dtype=bool)
        for code, split in enumerate(docs.split_names):
            reused = sorted(index for name, index in self.shards if name == split)
            if reused:
                positions = np.flatnonzero(docs.split_codes == code)
                mask[positions] = np.isin(np.arange(len(positions)) // shard_rows, reused)
        return mask


def plan_reuse(previous: Path | None, docs: DocumentSet, changes: DocumentDiff | None, shard_rows: int,
               schema_id: str, with_hf: bool) -> ReusePlan:
    """The shards of the new release that can be copied from the release in ``previous``: those whose
    documents are unchanged and whose files still have the digests the release recorded (only these
    files are hashed: a rebuild that reuses nothing reads none of them)."""
    from masthead.release.checksums import read_checksums
    from masthead.release.manifest import read_manifest_json

    if previous is None or changes is None or not len(docs):
        return ReusePlan()
    manifest = read_manifest_json(previous)
    if (manifest.get("masthead_version") != __version__ or manifest.get("tools") != tool_versions()
            or (manifest.get("schemas") or {}).get("document") != schema_id
            or manifest.get("rows_per_shard", (manifest.get("settings") or {}).get("shard_rows")) != shard_rows):
        return ReusePlan()
    try:
        sums = read_checksums(previous)
    except IntegrityError:
        return ReusePlan()
    listed: dict[str, list[dict[str, Any]]] = manifest.get(SHARDS) or {}
    changed = pa.array(sorted(set(changes.text_changed) | set(changes.metadata_changed)), pa.string())
    candidates: dict[tuple[str, int], ReusedShard] = {}
    for split, index, ids in _shard_ids(docs, shard_rows):
        entries = listed.get(split) or []
        shard = _candidate(previous, sums, entries, split, index, with_hf)
        if shard is None or (len(changed) and pc.any(pc.is_in(ids, value_set=changed)).as_py()):
            continue
        if _ids_of(shard.parquet).equals(ids):
            candidates[(split, index)] = shard
    return ReusePlan(_verified(candidates), changes.previous)


def _candidate(previous: Path, sums: dict[str, str], entries: list[dict[str, Any]], split: str, index: int,
               with_hf: bool) -> ReusedShard | None:
    if index >= len(entries):
        return None
    entry = entries[index]
    parquet, hf = entry.get("file"), hf_name(split, index, len(entries))
    if parquet not in sums or (with_hf and hf not in sums) or not isinstance(entry.get("arrow_bytes"), int):
        return None
    return ReusedShard(previous / parquet, sums[parquet], entry["arrow_bytes"], previous / hf if with_hf else None,
                       sums[hf] if with_hf else None)


def _ids_of(path: Path) -> pa.Array:
    from masthead.engine import read_columns

    try:
        return read_columns(path, ["id"])["id"].combine_chunks()
    except (OSError, pa.ArrowException):
        return pa.array([], pa.string())  # unreadable: not reused (its checksum would not match either)


def _shard_ids(docs: DocumentSet, shard_rows: int) -> Iterator[tuple[str, int, pa.Array]]:
    """(split, shard index, the shard's ids) of the new release, each split's ids in id order."""
    pending: dict[int, list[pa.Array]] = {code: [] for code in range(len(docs.split_names))}
    rows = dict.fromkeys(pending, 0)
    done = dict.fromkeys(pending, 0)
    for table, codes in docs.batches(columns=["id"]):
        ids = table["id"].combine_chunks()
        for code in pending:
            part = ids if len(pending) == 1 else ids.filter(pa.array(codes == code))
            while len(part):
                take = min(len(part), shard_rows - rows[code])
                pending[code].append(part.slice(0, take))
                rows[code] += take
                part = part.slice(take)
                if rows[code] == shard_rows:
                    yield docs.split_names[code], done[code], pa.concat_arrays(pending[code])
                    pending[code], rows[code] = [], 0
                    done[code] += 1
    for code, parts in pending.items():
        if parts:
            yield docs.split_names[code], done[code], pa.concat_arrays(parts)


def _verified(candidates: dict[tuple[str, int], ReusedShard]) -> dict[tuple[str, int], ReusedShard]:
    """The candidates whose files still have the digests their release recorded."""
    from masthead.release.checksums import sha256_of_files

    keys = sorted(candidates)
    paths = [path for key in keys for path in (candidates[key].parquet, candidates[key].hf) if path is not None]
    try:
        found = dict(zip(paths, sha256_of_files(paths), strict=True))
    except OSError:
        return {}
    return {key: shard for key in keys
            if found[(shard := candidates[key]).parquet] == shard.parquet_sha256
            and (shard.hf is None or found[shard.hf] == shard.hf_sha256)}
