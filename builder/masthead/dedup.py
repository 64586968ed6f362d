"""Corpus-level duplicate detection over finished documents: exact and near duplicates.

Exact duplicates share the SHA-256 of their cleaned text. Near duplicates (the same wire
story lightly edited by several outlets) are found with MinHash LSH (datasketch):

- shingles: word 5-grams of the text, lowercased, punctuation dropped (``SHINGLE_WORDS``);
- ``NUM_PERM = 128`` permutations with the fixed seed ``SEED``, so signatures are the same on
  every run and machine;
- LSH banding tuned by datasketch for Jaccard ``THRESHOLD = 0.8``; every candidate pair is
  then checked against the signatures' estimated Jaccard, so a cluster holds only pairs
  estimated at 0.8 or more (joined transitively).

Documents are processed in id order and each is queried once against the index, so the cost
grows with the number of documents, not with the number of pairs. Each duplicate points at
one deterministic canonical document: the earliest date (undated last), then the smallest id.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 20180716
THRESHOLD = 0.8
SCHEME = "affine32"  # datasketch's 32-bit permutation scheme, named so signatures stay comparable

_WORD = re.compile(r"[^\W_]+")


def canonical_key(doc: dict[str, Any]) -> tuple[int, str, str]:
    date = doc.get("date")
    return (0 if date else 1, date or "", doc["id"])


def exact_clusters(docs: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Groups of two or more documents with the same text, each sorted canonical first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        groups[doc["content_sha256"]].append(doc)
    return [sorted(g, key=canonical_key) for _, g in sorted(groups.items()) if len(g) > 1]


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word n-grams of the lowercased text without punctuation; a shorter text is one shingle."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> bytes:
    """The text's MinHash signature: ``NUM_PERM`` 32-bit hash values, little-endian bytes.

    Computed per document (any engine can do it beside the cleaning) and compared corpus-wide
    by :func:`near_pairs`; the ``affine32`` scheme's hash values are 32-bit, so nothing is lost.
    """
    import numpy as np
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(sorted(shingles(text)))
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def near_pairs(docs: list[dict[str, Any]], threshold: float = THRESHOLD) -> list[tuple[str, str]]:
    """Pairs of ids (sorted) whose texts are estimated at Jaccard >= threshold, in a stable order.

    Each document needs ``text`` or its precomputed ``_minhash`` signature."""
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    values: dict[str, Any] = {}
    pairs: set[tuple[str, str]] = set()
    for doc in sorted(docs, key=lambda d: d["id"]):
        packed = doc.get("_minhash") or (signature(doc["text"]) if doc.get("text") else None)
        if not packed:
            continue
        current = np.frombuffer(packed, dtype="<u4").astype(np.uint32)
        lean = LeanMinHash(seed=SEED, hashvalues=current, scheme=SCHEME)
        for other in lsh.query(lean):
            if float(np.mean(values[other] == current)) >= threshold:
                pairs.add((other, doc["id"]) if other < doc["id"] else (doc["id"], other))
        lsh.insert(doc["id"], lean)
        values[doc["id"]] = current
    return sorted(pairs)


def duplicate_clusters(docs: list[dict[str, Any]], near: bool = True) -> list[list[dict[str, Any]]]:
    """Exact and near-duplicate clusters (transitively joined), each sorted canonical first."""
    parent: dict[str, str] = {doc["id"]: doc["id"] for doc in docs}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for cluster in exact_clusters(docs):
        for doc in cluster[1:]:
            join(cluster[0]["id"], doc["id"])
    if near:
        for a, b in near_pairs(docs):
            join(a, b)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        groups[root(doc["id"])].append(doc)
    clusters = [sorted(g, key=canonical_key) for g in groups.values() if len(g) > 1]
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
