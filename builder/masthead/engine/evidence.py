"""Corpus-level evidence over the shard outputs, one column at a time: repeated lines, duplicates.

Works on the accepted documents in id order (position = rank of the id), reading the private
columns ``_para`` (packed paragraph hashes) and ``_minhash`` (signatures) shard by shard, so
memory holds a few numbers per document, never the texts or a Python object per document:

1. repeated lines (:mod:`masthead.clean.repeated_lines`): paragraph hashes counted per group
   (outlet, else source folder) by :func:`repeated_groups`; the workers then strip them
   (:mod:`masthead.engine.strip_stage`), with new text hashes and signatures, so duplicate
   detection (:func:`corpus_evidence`) reads the final text's;
2. exact duplicates: equal ``content_sha256`` (after stripping);
3. near duplicates: MinHash LSH band keys (:mod:`masthead.dedup`), candidates verified.

Every decision depends on the documents and their ids only, never on shard or worker counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from masthead.clean.repeated_lines import as_hex, count_repeated
from masthead.dedup import BANDS, NUM_PERM, SIGNATURE_BYTES, band_keys, candidate_pairs, canonical_map, equal_runs, similar
from masthead.engine.strip_stage import group_names


@dataclass
class Evidence:
    sha: pa.Array  # content_sha256 after stripping, in id order
    duplicate_of: dict[str, str] = field(default_factory=dict)  # id -> canonical id


def _binary(array: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(lengths, concatenated bytes) of a binary array."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    data = array.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]] if data is not None else np.zeros(0, np.uint8)
    return np.diff(offsets).astype(np.int64), raw.copy()


class _Shards:
    """The accepted documents' rows grouped by shard file."""

    def __init__(self, paths: list[Path], shard: np.ndarray, row: np.ndarray) -> None:
        self.paths, self.shard, self.row = paths, shard, row

    def groups(self, positions: np.ndarray | None = None) -> Iterator[tuple[Path, np.ndarray]]:
        """(file, positions in id order) per shard, positions ascending within a shard."""
        positions = np.arange(len(self.shard)) if positions is None else positions
        order = np.argsort(self.shard[positions], kind="stable")
        positions = positions[order]
        shards = self.shard[positions]
        cuts = np.flatnonzero(np.diff(shards)) + 1
        for part in np.split(positions, cuts):
            if len(part):
                yield self.paths[int(self.shard[part[0]])], part

    def read(self, path: Path, positions: np.ndarray, columns: list[str]) -> pa.Table:
        rows = self.row[positions]
        return pq.read_table(path, columns=columns).take(pa.array(rows))


def _group_codes(accepted: pa.Table) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Group code per document (outlet, else source folder), documents per code, and the codes' names."""
    encoded = pc.dictionary_encode(group_names(accepted)).combine_chunks()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, np.bincount(codes) if len(codes) else np.zeros(0, dtype=np.int64), encoded.dictionary.to_pylist()


def repeated_groups(docs_paths: list[Path], accepted: pa.Table) -> dict[int, dict[str, frozenset[str]]]:
    """Shard index -> {group: hashes of its repeated lines} for the groups of that shard's documents.

    Counted over the accepted documents' packed paragraph hashes (``_para``) with numpy; the
    stripping itself is :mod:`masthead.engine.strip_stage`, on the workers."""
    if not len(accepted):
        return {}
    shards = _Shards(docs_paths, accepted["_shard"].to_numpy(zero_copy_only=False),
                     accepted["_row"].to_numpy(zero_copy_only=False))
    codes, sizes, names = _group_codes(accepted)

    def passes() -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        for path, positions in shards.groups():
            lengths, data = _binary(shards.read(path, positions, ["_para"])["_para"])
            docs = np.repeat(positions, lengths // 8)
            yield docs, codes[docs], data.view("<u8").astype(np.uint64)

    docs, groups, hashes = count_repeated(passes, sizes)
    if not len(docs):
        return {}
    repeated: dict[int, set[str]] = {}
    for group, value in zip(groups.tolist(), hashes.tolist(), strict=True):
        repeated.setdefault(group, set()).add(as_hex(value))
    frozen = {group: frozenset(values) for group, values in repeated.items()}
    with_lines = np.isin(codes, np.array(sorted(frozen), dtype=np.int64))
    pairs = np.unique(np.stack([shards.shard[with_lines].astype(np.int64), codes[with_lines]], axis=1), axis=0)
    out: dict[int, dict[str, frozenset[str]]] = {}
    for shard, code in pairs.tolist():
        out.setdefault(int(shard), {})[names[code]] = frozen[code]
    return out


def _signatures(shards: _Shards, positions: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(positions, signatures) per shard for the documents that have a signature."""
    for path, part in shards.groups(positions):
        lengths, data = _binary(shards.read(path, part, ["_minhash"])["_minhash"])
        valid = lengths == SIGNATURE_BYTES
        if not np.all(valid | (lengths == 0)):
            raise ValueError(f"{path}: a MinHash signature is not {SIGNATURE_BYTES} bytes")
        yield part[valid], data.view("<u4").astype(np.uint32).reshape(-1, NUM_PERM)


def _final_sha(shards: _Shards, accepted: pa.Table, stripped: set[int]) -> pa.Array:
    """``content_sha256`` in id order, read again from the shards whose text the stripping stage changed."""
    sha = accepted["content_sha256"].combine_chunks()
    if not stripped:
        return sha
    mask = np.isin(shards.shard, np.array(sorted(stripped), dtype=np.int64))
    positions, values = [], []
    for path, part in shards.groups(np.flatnonzero(mask)):
        positions.append(part)
        values.append(shards.read(path, part, ["content_sha256"])["content_sha256"].combine_chunks())
    order = np.argsort(np.concatenate(positions), kind="stable")
    replacement = pa.concat_arrays(values).take(pa.array(order))
    return pc.replace_with_mask(sha, pa.array(mask), replacement)


def corpus_evidence(read_paths: list[Path], accepted: pa.Table, stripped: set[int] | None = None,
                    near: bool = True) -> Evidence:
    """Exact and near duplicates of ``accepted`` (sorted by id; key columns, _shard, _row), read from
    each shard's final file (``read_paths``; ``stripped``: the shards whose file the stripping changed)."""
    shards = _Shards(read_paths, accepted["_shard"].to_numpy(zero_copy_only=False),
                     accepted["_row"].to_numpy(zero_copy_only=False))
    evidence = Evidence(sha=_final_sha(shards, accepted, stripped or set()))
    pairs = [equal_runs(evidence.sha)]
    if near and len(accepted):
        keys = np.zeros((len(accepted), BANDS), dtype=np.uint64)
        valid = np.zeros(len(accepted), dtype=bool)
        for positions, sigs in _signatures(shards, np.arange(len(accepted))):
            keys[positions] = band_keys(sigs)
            valid[positions] = True
        index = np.flatnonzero(valid)
        candidates = candidate_pairs(keys[index], index)
        del keys

        def signatures_of(nodes: np.ndarray) -> np.ndarray:
            out = np.zeros((len(nodes), NUM_PERM), dtype=np.uint32)
            for positions, sigs in _signatures(shards, nodes):
                out[np.searchsorted(nodes, positions)] = sigs
            return out

        pairs.append(similar(candidates, signatures_of))
    dates = accepted["date"].cast(pa.string())
    heads = canonical_map(np.concatenate(pairs), lambda nodes: dates.take(pa.array(nodes)).to_pylist())
    ids = accepted["id"]
    if heads:
        members = np.array(sorted(heads), dtype=np.int64)
        member_ids = ids.take(pa.array(members)).to_pylist()
        head_ids = ids.take(pa.array([heads[m] for m in members.tolist()], type=pa.int64())).to_pylist()
        evidence.duplicate_of = dict(zip(member_ids, head_ids, strict=True))
    return evidence
