"""Corpus-level duplicate detection over finished documents: exact and near duplicates.

Exact duplicates share the SHA-256 of their cleaned text. Near duplicates (the same wire
story lightly edited by several outlets) are found with MinHash LSH, in numpy:

- signatures: MinHash of the text's word 5-grams, ``NUM_PERM = 128`` minima
  (:mod:`masthead.duplicates.minhash`).
- LSH: ``BANDS = 16`` bands × ``ROWS = 8`` rows. Two texts of Jaccard ``s`` share at least one
  band with probability ``1 − (1 − s^8)^16``: 0.06 at s = 0.5, 0.61 at 0.7, 0.95 at 0.8,
  0.994 at 0.85, 0.9999 at 0.9 (the S-curve's midpoint is (1/16)^(1/8) ≈ 0.71). Every
  candidate pair is then checked against the signatures' estimated Jaccard, so a cluster
  holds only pairs estimated at ``THRESHOLD = 0.8`` or more (joined transitively).

Candidates come from the band buckets: within a bucket each member is checked against its
``NEIGHBOURS`` next members in id order and against the bucket's first member, so a bucket
shared by many documents (boilerplate-only texts) costs linear time, not quadratic. The bands
are searched one at a time (:func:`candidate_pairs_of_bands`): memory is one ``uint64`` per
document for the band being searched, one ``int64`` per distinct candidate pair found so far,
and the signatures of candidate documents. Each
duplicate points at one deterministic canonical document: the earliest date (undated last),
then the smallest id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from masthead.duplicates.minhash import NUM_PERM, mix64, signature, unpack

THRESHOLD = 0.8
BANDS, ROWS = 16, 8
NEIGHBOURS = 8


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 64-bit key per band: (n, NUM_PERM) uint32 -> (n, BANDS) uint64."""
    rows = np.ascontiguousarray(signatures, dtype=np.uint32).reshape(len(signatures), BANDS, ROWS)
    key = np.zeros((len(signatures), BANDS), dtype=np.uint64)
    for j in range(0, ROWS, 2):
        word = rows[:, :, j].astype(np.uint64) | (rows[:, :, j + 1].astype(np.uint64) << np.uint64(32))
        key = mix64(key ^ word)
    return key


def candidate_pairs(keys: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Pairs (lo, hi) of ``index`` values sharing a band key, unique and sorted (see module doc)."""
    return candidate_pairs_of_bands((keys[:, band] for band in range(keys.shape[1] if len(keys) else 0)), index)


def candidate_pairs_of_bands(columns: Iterable[np.ndarray], index: np.ndarray) -> np.ndarray:
    """:func:`candidate_pairs` from one band's keys at a time (each aligned with ``index``, ascending).

    Only one band's column and the distinct pairs found so far (one ``int64`` each) are held."""
    base = int(index.max()) + 1 if len(index) else 1
    found = np.zeros(0, dtype=np.int64)
    for column in columns:
        codes = _band_pair_codes(column, index, base)
        if len(codes):
            found = np.union1d(found, codes)
    return np.stack([found // base, found % base], axis=1) if len(found) else np.zeros((0, 2), dtype=np.int64)


def _band_pair_codes(keys: np.ndarray, index: np.ndarray, base: int) -> np.ndarray:
    """One band's candidate pairs as sorted unique codes ``lo * base + hi`` (lo < hi)."""
    order = np.argsort(keys, kind="stable")
    column = keys[order]
    new = np.concatenate([[True], column[1:] != column[:-1]])
    shared = ~new | np.concatenate([~new[1:], [False]])
    if not shared.any():
        return np.zeros(0, dtype=np.int64)
    column, members, new = column[shared], index[order[shared]].astype(np.int64), new[shared]
    del order
    first = members[np.maximum.accumulate(np.where(new, np.arange(len(new)), 0))]
    found = [(first[~new], members[~new])]
    for step in range(1, NEIGHBOURS + 1):
        same = column[step:] == column[:-step]
        found.append((members[:-step][same], members[step:][same]))
    a, b = np.concatenate([p[0] for p in found]), np.concatenate([p[1] for p in found])
    keep = a != b
    a, b = a[keep], b[keep]
    return np.unique(np.minimum(a, b) * base + np.maximum(a, b))


def similar(pairs: np.ndarray, signatures_of: Callable[[np.ndarray], np.ndarray], threshold: float = THRESHOLD) -> np.ndarray:
    """The pairs whose signatures agree in at least ``threshold`` of positions.

    ``signatures_of(indices)`` returns their (k, NUM_PERM) signatures, indices sorted unique."""
    if not len(pairs):
        return pairs
    nodes = np.unique(pairs)
    sigs = signatures_of(nodes)
    lo, hi = np.searchsorted(nodes, pairs[:, 0]), np.searchsorted(nodes, pairs[:, 1])
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), 65536):
        part = slice(start, start + 65536)
        keep[part] = (sigs[lo[part]] == sigs[hi[part]]).mean(axis=1) >= threshold
    return pairs[keep]


def equal_runs(values: Any) -> np.ndarray:
    """Pairs (first, other) of positions holding equal values (a pyarrow array or numpy array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values)
    n = len(array)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = pc.sort_indices(array).to_numpy()
    ranked = array.take(pa.array(order))
    same = np.concatenate([[False], pc.equal(ranked.slice(1), ranked.slice(0, n - 1)).to_numpy(zero_copy_only=False)])
    same &= ~np.asarray(pc.is_null(ranked).to_numpy(zero_copy_only=False), dtype=bool)
    first = order[np.maximum.accumulate(np.where(~same, np.arange(n), 0))]
    return np.stack([first[same], order[same]], axis=1).astype(np.int64)


def canonical_map(pairs: np.ndarray, dates: Callable[[np.ndarray], list[str | None]]) -> dict[int, int]:
    """Index -> canonical index for every non-canonical member of the clusters ``pairs`` join.

    Indices are positions in id order, so a smaller index is a smaller id; ``dates(indices)``
    gives the dates of the (sorted) indices: canonical = earliest date, undated last, then index."""
    if not len(pairs):
        return {}
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs.tolist():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    nodes = sorted(parent)
    groups: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for node, date in zip(nodes, dates(np.array(nodes, dtype=np.int64)), strict=True):
        groups[root(node)].append((0 if date else 1, date or "", node))
    out: dict[int, int] = {}
    for members in groups.values():
        head = min(members)[2]
        out.update({m[2]: head for m in members if m[2] != head})
    return out


def near_pairs_of(packed: Sequence[bytes | None], threshold: float = THRESHOLD) -> np.ndarray:
    """Index pairs of ``packed`` signatures estimated at Jaccard >= threshold, sorted."""
    sigs, valid = unpack(packed)
    index = np.flatnonzero(valid)
    pairs = candidate_pairs(band_keys(sigs), index)
    full = np.zeros((len(packed), NUM_PERM), dtype=np.uint32)
    full[valid] = sigs
    return similar(pairs, lambda nodes: full[nodes], threshold)


# -- the same decisions over document dicts (tests, small corpora) ------------------------------


def canonical_key(doc: dict[str, Any]) -> tuple[int, str, str]:
    date = doc.get("date")
    return (0 if date else 1, date or "", doc["id"])


def exact_clusters(docs: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Groups of two or more documents with the same text, each sorted canonical first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        groups[doc["content_sha256"]].append(doc)
    return [sorted(g, key=canonical_key) for _, g in sorted(groups.items()) if len(g) > 1]


def _packed(doc: dict[str, Any]) -> bytes | None:
    packed: bytes | None = doc.get("_minhash")
    return packed or (signature(doc["text"]) if doc.get("text") else None)


def near_pairs(docs: list[dict[str, Any]], threshold: float = THRESHOLD) -> list[tuple[str, str]]:
    """Pairs of ids (sorted) whose texts are estimated at Jaccard >= threshold, in a stable order.

    Each document needs ``text`` or its precomputed ``_minhash`` signature."""
    ordered = sorted(docs, key=lambda d: d["id"])
    pairs = near_pairs_of([_packed(d) for d in ordered], threshold)
    return sorted((ordered[a]["id"], ordered[b]["id"]) for a, b in pairs.tolist())


def duplicate_clusters(docs: list[dict[str, Any]], near: bool = True) -> list[list[dict[str, Any]]]:
    """Exact and near-duplicate clusters (transitively joined), each sorted canonical first."""
    ordered = sorted(docs, key=lambda d: d["id"])
    found = [equal_runs([d["content_sha256"] for d in ordered])]
    if near:
        found.append(near_pairs_of([_packed(d) for d in ordered]))
    heads = canonical_map(np.concatenate(found), lambda nodes: [ordered[i].get("date") for i in nodes.tolist()])
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for member, head in heads.items():
        groups[head].append(ordered[member])
    clusters = [sorted([ordered[head], *rest], key=canonical_key) for head, rest in groups.items()]
    return sorted(clusters, key=lambda c: c[0]["id"])


def duplicates_of(docs: list[dict[str, Any]], near: bool = True) -> dict[str, str]:
    """id -> canonical id for every duplicate (rows need id, content_sha256, date, and text or _minhash)."""
    return {doc["id"]: cluster[0]["id"] for cluster in duplicate_clusters(docs, near) for doc in cluster[1:]}


def mark_duplicates(docs: list[dict[str, Any]], near: bool = True) -> int:
    """Set ``duplicate_of`` on every non-canonical member of a cluster; return how many."""
    marked = 0
    for cluster in duplicate_clusters(docs, near):
        head = cluster[0]["id"]
        for doc in cluster[1:]:
            doc["duplicate_of"] = head
            marked += 1
    return marked
