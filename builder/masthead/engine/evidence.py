"""Corpus-level evidence over the shard outputs, one column at a time: repeated lines, duplicates.

Works on the accepted documents in id order (position = rank of the id), reading private
columns the workers computed per document, shard by shard, so memory holds a few numbers per
document, never the texts or a Python object per document:

1. repeated lines (:mod:`masthead.clean.repeated_lines`): each document's distinct paragraph
   hashes (``_para_set``) counted per group (outlet, else source folder) by
   :func:`repeated_groups`; the workers then strip them (:mod:`masthead.engine.strip_stage`),
   with new text hashes, signatures and the columns below, so duplicate detection
   (:func:`corpus_evidence`) reads the final text's;
2. exact duplicates: equal ``content_sha256`` (after stripping), sorted by its 64-bit prefix
   (``_sha64``), the full hashes of documents sharing a prefix compared;
3. near duplicates: MinHash LSH band keys (``_bands``, :mod:`masthead.engine.evidence_columns`),
   candidates verified on their signatures (``_minhash``). The keys are written to a temporary
   file as they are read, then searched one band at a time (one ``uint64`` per document in
   memory instead of ``BANDS``).

Every decision depends on the documents and their ids only, never on shard or worker counts.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from masthead.clean.repeated_lines import as_hex, count_repeated
from masthead.duplicates.detect import BANDS, candidate_pairs_of_bands, canonical_map, similar
from masthead.duplicates.minhash import NUM_PERM
from masthead.engine.documents import read_columns
from masthead.engine.strip_stage import group_names


@dataclass
class Evidence:
    members: np.ndarray  # positions (in id order) of the duplicates, ascending
    heads: np.ndarray  # the position of each one's canonical document


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
        return read_columns(path, columns).take(pa.array(rows))


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
            lengths, data = _binary(shards.read(path, positions, ["_para_set"])["_para_set"])
            docs = np.repeat(positions, lengths // 8)
            yield docs, codes[docs], data.view("<u8").astype(np.uint64)

    docs, groups, hashes = count_repeated(passes, sizes, distinct=True)
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


def _fixed_rows(shards: _Shards, positions: np.ndarray, column: str, dtype: str,
                width: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(positions, values) per shard of a binary column holding ``width`` values of ``dtype`` a
    document, or nothing (a text without a signature): only the documents that have them."""
    size = width * np.dtype(dtype).itemsize
    for path, part in shards.groups(positions):
        lengths, data = _binary(shards.read(path, part, [column])[column])
        valid = lengths == size
        if not np.all(valid | (lengths == 0)):
            raise ValueError(f"{path}: a {column} value is not {size} bytes")
        yield part[valid], data.view(dtype).astype(np.dtype(dtype).newbyteorder("=")).reshape(-1, width)


def _band_keys(shards: _Shards, positions: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(positions, band keys): the keys the stripping stage computed from each final text's signature."""
    return _fixed_rows(shards, positions, "_bands", "<u8", BANDS)


def _signatures(shards: _Shards, positions: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(positions, MinHash signatures) of the documents that have one."""
    return _fixed_rows(shards, positions, "_minhash", "<u4", NUM_PERM)


def _exact_pairs(shards: _Shards, n: int) -> np.ndarray:
    """Pairs (first, other) of positions with equal ``content_sha256``, ``first`` the smallest of its
    text: sorted by 64-bit prefix, then the full hashes of the few sharing a prefix compared."""
    prefix = np.zeros(n, dtype=np.uint64)
    valid = np.zeros(n, dtype=bool)
    for path, part in shards.groups():  # the prefixes the stripping stage took (``_sha64``)
        column = shards.read(path, part, ["_sha64"])["_sha64"]
        valid[part] = np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False), dtype=bool)
        prefix[part] = pc.fill_null(column, 0).to_numpy(zero_copy_only=False).astype(np.uint64)
    order = np.argsort(prefix, kind="stable")
    ranked, ok = prefix[order], valid[order]
    del prefix
    same = (ranked[1:] == ranked[:-1]) & ok[1:] & ok[:-1]
    del ranked, ok
    shared = np.zeros(n, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    candidates = np.sort(order[shared])
    del order, shared, same
    if not len(candidates):
        return np.zeros((0, 2), dtype=np.int64)
    first: dict[str, int] = {}
    pairs = []
    found: dict[int, str] = {}
    for path, part in shards.groups(candidates):
        values = shards.read(path, part, ["content_sha256"])["content_sha256"].to_pylist()
        found.update(zip(part.tolist(), values, strict=True))
    for position in candidates.tolist():  # ascending: the first of each text is its smallest position
        head = first.setdefault(found[position], position)
        if head != position:
            pairs.append((head, position))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _near_pairs(shards: _Shards, n: int, spill_dir: Path | None) -> np.ndarray:
    """Candidate pairs from the LSH bands (their signatures not compared yet).

    The band keys of each shard's documents go to a temporary file, band after band, as its
    signatures are read; the search then reads one band of every shard back at a time."""
    valid = np.zeros(n, dtype=bool)
    chunks: list[tuple[np.ndarray, int]] = []  # (positions, byte offset of the chunk's first band)
    with tempfile.TemporaryFile(dir=spill_dir) as spill:
        offset = 0
        for positions, bands in _band_keys(shards, np.arange(n)):
            keys = np.ascontiguousarray(bands.T)  # (BANDS, k): one band after another
            spill.write(keys.tobytes())
            chunks.append((positions, offset))
            offset += keys.nbytes
            valid[positions] = True
        spill.flush()
        index = np.flatnonzero(valid)
        del valid
        ranks = [(np.searchsorted(index, positions).astype(np.int32), start) for positions, start in chunks]
        del chunks
        descriptor = spill.fileno()

        def columns() -> Iterator[np.ndarray]:
            for band in range(BANDS):
                column = np.empty(len(index), dtype=np.uint64)
                for rank, start in ranks:
                    size = len(rank) * 8
                    column[rank] = np.frombuffer(_pread(descriptor, size, start + band * size), dtype=np.uint64)
                yield column

        return candidate_pairs_of_bands(columns(), index)


def _pread(descriptor: int, size: int, offset: int) -> bytes:
    data = os.pread(descriptor, size, offset)
    while len(data) < size:  # a short read (large sizes on some systems)
        more = os.pread(descriptor, size - len(data), offset + len(data))
        if not more:
            raise OSError(f"the band key file ended {size - len(data)} bytes early")
        data += more
    return data


def corpus_evidence(read_paths: list[Path], accepted: pa.Table, near: bool = True,
                    spill_dir: Path | None = None) -> Evidence:
    """Exact and near duplicates of ``accepted`` (sorted by id; ``_shard``, ``_row``, ``date``), read
    from each shard's final file (``read_paths``). ``spill_dir``: where the band keys are kept while
    searched (default: beside the shard folders)."""
    n = len(accepted)
    shards = _Shards(read_paths, accepted["_shard"].to_numpy(zero_copy_only=False),
                     accepted["_row"].to_numpy(zero_copy_only=False))
    pairs = [_exact_pairs(shards, n)]
    if near and n:
        candidates = _near_pairs(shards, n, spill_dir or (read_paths[0].parent.parent if read_paths else None))

        def signatures_of(nodes: np.ndarray) -> np.ndarray:
            out = np.zeros((len(nodes), NUM_PERM), dtype=np.uint32)
            for positions, sigs in _signatures(shards, nodes):
                out[np.searchsorted(nodes, positions)] = sigs
            return out

        pairs.append(similar(candidates, signatures_of))
    dates = accepted["date"]
    heads = canonical_map(np.concatenate(pairs), lambda nodes: dates.take(pa.array(nodes)).cast(pa.string()).to_pylist())
    members = np.array(sorted(heads), dtype=np.int64)
    return Evidence(members, np.array([heads[m] for m in members.tolist()], dtype=np.int64))
