"""Deterministic split assignment: a document's split depends only on its id."""

from __future__ import annotations

import hashlib


def split_of(doc_id: str, shares: dict[str, float]) -> str:
    """The split whose cumulative share covers the id's hash position in [0, 1)."""
    position = int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") / 2**64
    cumulative = 0.0
    names = list(shares)
    for name in names:
        cumulative += shares[name]
        if position < cumulative:
            return name
    return names[-1]
