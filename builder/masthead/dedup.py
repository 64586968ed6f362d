"""Corpus-level duplicate detection over finished documents.

Exact duplicates share the SHA-256 of their cleaned text. Each duplicate points at one
deterministic canonical document: the earliest date (undated last), then the smallest id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any


def canonical_key(doc: dict[str, Any]) -> tuple[int, str, str]:
    date = doc.get("date")
    return (0 if date else 1, date or "", doc["id"])


def exact_clusters(docs: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Groups of two or more documents with the same text, each sorted canonical first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        groups[doc["content_sha256"]].append(doc)
    return [sorted(g, key=canonical_key) for _, g in sorted(groups.items()) if len(g) > 1]


def mark_duplicates(docs: list[dict[str, Any]]) -> int:
    """Set ``duplicate_of`` on every non-canonical member of a cluster; return how many."""
    marked = 0
    for cluster in exact_clusters(docs):
        head = cluster[0]["id"]
        for doc in cluster[1:]:
            doc["duplicate_of"] = head
            marked += 1
    return marked
