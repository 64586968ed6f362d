"""Corpus-level evidence: paragraphs that recur across many documents of one outlet are furniture.

CCNet-style: each paragraph is hashed after normalisation (lowercase, digits -> 0, punctuation
and spacing dropped), so "Subscribe to our newsletter" and "SUBSCRIBE to our newsletter!" are
one line. A hash found in at least ``min_docs`` documents *and* ``min_share`` of the documents
of the same group (the outlet, else the source folder) is boilerplate for that group. Pure
functions: :func:`find_repeated` reads hashes, :func:`strip_repeated` returns a new document.

At corpus scale the engine keeps each document's hashes packed (:func:`packed_hashes`, 8 bytes
a paragraph) and counts them with :func:`count_repeated` in numpy, without a Python object per
paragraph: the same decisions as :func:`find_repeated`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

RULE = "repeated-line"
MIN_DOCS = 5
MIN_SHARE = 0.2
MIN_CHARS = 10  # shorter paragraphs are left to the line rules ("Share", "X")

_DIGIT = re.compile(r"\d")
_NOT_WORD = re.compile(r"[\W_]+")


# ASCII letters lowercased, digits to "0", everything else a space: the rule below for ASCII text
_ASCII_KEY = bytes(
    c + 32 if 65 <= c <= 90 else 48 if 48 <= c <= 57 else c if 97 <= c <= 122 else 32 for c in range(256)
)


def normalize_line(line: str) -> str:
    if line.isascii():  # same result without NFKC, casefolding and two regex passes (most news text)
        return " ".join(line.encode("ascii").translate(_ASCII_KEY).decode("ascii").split())
    text = unicodedata.normalize("NFKC", line).casefold()
    return _NOT_WORD.sub(" ", _DIGIT.sub("0", text)).strip()


def _key_bytes(paragraph: str) -> bytes:
    if paragraph.isascii():
        return b" ".join(paragraph.encode("ascii").translate(_ASCII_KEY).split())
    return normalize_line(paragraph).encode("utf-8")


def _long_enough(key: bytes) -> bool:
    return len(key) >= MIN_CHARS and (key.isascii() or len(key.decode("utf-8")) >= MIN_CHARS)


# ASCII letters and digits: the bytes _ASCII_KEY keeps (everything else becomes a space)
_ASCII_WORD = np.array([48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 for c in range(256)], dtype=bool)
_NONE = b"\0" * 8


def _ascii_digests(text: str) -> list[bytes | None]:
    """``_digests`` of an ASCII text without splitting it into words.

    Each paragraph's key is its words joined by one space. Translated in one pass, the text keeps
    every word byte and the one byte after each word (which translates to a space); what is kept of
    a paragraph, less a trailing space, is its key. A paragraph never starts with a kept separator:
    the byte before it is the newline of the blank line."""
    raw = text.encode("ascii")
    word = _ASCII_WORD.take(np.frombuffer(raw, dtype=np.uint8))
    keep = word.copy()
    keep[1:] |= word[:-1]
    kept = np.flatnonzero(keep)
    collapsed = np.frombuffer(raw.translate(_ASCII_KEY), dtype=np.uint8)[kept].tobytes()
    bounds: list[int] = []
    at = 0
    for paragraph in text.split("\n\n"):
        bounds += (at, at + len(paragraph))
        at += len(paragraph) + 2
    cut = np.searchsorted(kept, bounds).tolist()
    out: list[bytes | None] = []
    for index in range(0, len(cut), 2):
        key = collapsed[cut[index] : cut[index + 1]].rstrip(b" ")
        out.append(hashlib.sha1(key).digest()[:8] if len(key) >= MIN_CHARS else None)
    return out


def _digests(text: str) -> list[bytes | None]:
    """The first 8 bytes of each paragraph's SHA-1 (``None`` for a paragraph too short to count)."""
    if text.isascii():
        return _ascii_digests(text)
    out: list[bytes | None] = []
    for paragraph in text.split("\n\n"):
        key = _key_bytes(paragraph)
        out.append(hashlib.sha1(key).digest()[:8] if _long_enough(key) else None)
    return out


def paragraph_hashes(text: str) -> list[str]:
    """One short hash per paragraph of ``text`` (paragraphs split by a blank line), in order."""
    return [digest.hex() if digest is not None else "" for digest in _digests(text)]


def packed_hashes(text: str) -> bytes:
    """:func:`paragraph_hashes` as little-endian uint64 values (0 for a paragraph too short to count)."""
    return b"".join(digest[::-1] if digest is not None else _NONE for digest in _digests(text))


def distinct_hashes(packed: bytes) -> bytes:
    """The distinct nonzero values of :func:`packed_hashes`, ascending, packed the same way: what
    :func:`count_repeated` counts of a document, prepared where the document is."""
    values = np.unique(np.frombuffer(packed, dtype="<u8"))
    return values[values != 0].astype("<u8").tobytes()


def unpacked_hashes(packed: bytes) -> list[str]:
    """:func:`packed_hashes` back to :func:`paragraph_hashes` (0 is a paragraph too short to count)."""
    return [as_hex(value) if value else "" for value in np.frombuffer(packed, dtype="<u8").tolist()]


def as_hex(value: int) -> str:
    """A packed hash as :func:`paragraph_hashes` writes it."""
    return f"{value:016x}"


def count_repeated(passes: Callable[[], Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]], sizes: np.ndarray,
                   min_docs: int = MIN_DOCS, min_share: float = MIN_SHARE,
                   distinct: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`find_repeated` over packed hashes: (document, group, hash) arrays of the repeated paragraphs.

    ``passes()`` yields (document index, group code, hash) arrays, one hash per paragraph; it is
    called twice (a bucket count first, at most 2^22 buckets, about 8 per document, so the exact
    count only holds hashes whose bucket reaches their group's floor). ``sizes[g]`` is the number
    of documents of group ``g``. ``distinct``: each document's hashes are already its distinct
    nonzero ones (:func:`distinct_hashes`), ascending, its documents ascending."""
    once = (lambda d, g, h: (d, g, h)) if distinct else _per_document
    bits = min(22, max(10, int(np.sum(sizes)).bit_length() + 3))
    buckets = np.zeros(1 << bits, dtype=np.int64)
    for docs, groups, hashes in passes():
        _, groups, hashes = once(docs, groups, hashes)
        # in place: a bincount the size of the buckets per pass costs ~15 ms at 2^22 (5 s over a
        # million documents' 327 shards); np.add.at touches only the pass's own buckets
        np.add.at(buckets, _bucket(groups, hashes, bits), 1)
    # a hash's bucket count bounds its count from above, so a bucket under its group's floor holds
    # no repeated line: filtered batch by batch, only the candidates are ever held together
    floors = np.maximum(min_docs, min_share * np.asarray(sizes, dtype=np.float64))
    kept = []
    for d, g, h in (once(*batch) for batch in passes()):
        m = buckets[_bucket(g, h, bits)] >= floors[g]
        if m.any():
            kept.append((d[m], g[m], h[m]))
    if not kept:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.astype(np.uint64)
    docs, groups, hashes = (np.concatenate(parts) for parts in zip(*kept, strict=True))
    order = np.lexsort((hashes, groups))
    groups, hashes, docs = groups[order], hashes[order], docs[order]
    start = np.concatenate([[True], (groups[1:] != groups[:-1]) | (hashes[1:] != hashes[:-1])])
    run = np.cumsum(start) - 1
    counts = np.bincount(run)[run]
    floor = np.maximum(min_docs, min_share * np.asarray(sizes, dtype=np.float64)[groups])
    hit = counts >= floor
    return docs[hit], groups[hit], hashes[hit]


def _per_document(docs: np.ndarray, groups: np.ndarray, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nonzero hashes, each once per document."""
    keep = hashes != 0
    docs, groups, hashes = docs[keep], groups[keep], hashes[keep]
    order = np.lexsort((hashes, docs))
    docs, groups, hashes = docs[order], groups[order], hashes[order]
    first = np.ones(len(docs), dtype=bool)
    first[1:] = (docs[1:] != docs[:-1]) | (hashes[1:] != hashes[:-1])
    return docs[first], groups[first], hashes[first]


def _bucket(groups: np.ndarray, hashes: np.ndarray, bits: int) -> np.ndarray:
    mixed = hashes ^ (groups.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


def group_of(doc: dict[str, Any]) -> str:
    """Documents are compared within their outlet, else within their source folder."""
    if doc.get("outlet"):
        return f"outlet:{doc['outlet']}"
    source = str(doc.get("source") or "")
    return f"folder:{source.rsplit('/', 1)[0] if '/' in source else ''}"


def find_repeated(docs: Iterable[dict[str, Any]], min_docs: int = MIN_DOCS,
                  min_share: float = MIN_SHARE) -> dict[str, set[str]]:
    """Group -> hashes of paragraphs repeated in at least ``min_docs`` and ``min_share`` of its documents."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    sizes: Counter[str] = Counter()
    for doc in docs:
        group = group_of(doc)
        sizes[group] += 1
        seen[group].update({h for h in paragraph_hashes(doc["text"]) if h})
    repeated: dict[str, set[str]] = {}
    for group, counts in sorted(seen.items()):
        floor = max(min_docs, min_share * sizes[group])
        hashes = {h for h, n in counts.items() if n >= floor}
        if hashes:
            repeated[group] = hashes
    return repeated


def strip_repeated(doc: dict[str, Any], hashes: set[str] | frozenset[str], packed: bytes | None = None) -> dict[str, Any]:
    """A copy of ``doc`` without the repeated paragraphs; ``cleaning`` and ``content_sha256`` updated.

    ``packed``: the text's :func:`packed_hashes` when already known (the shard files keep them).
    A document made only of repeated paragraphs is returned unchanged (nothing is rejected
    here; the duplicate and boilerplate decisions are made elsewhere)."""
    paragraphs = doc["text"].split("\n\n")
    own = unpacked_hashes(packed) if packed is not None else []
    if len(own) != len(paragraphs):
        own = paragraph_hashes(doc["text"])
    keep = [p for p, h in zip(paragraphs, own, strict=True) if not h or h not in hashes]
    if len(keep) == len(paragraphs) or not keep:
        return doc
    text = "\n\n".join(keep)
    removed_chars = len(doc["text"]) - len(text)
    cleaning = dict(doc.get("cleaning") or {"removed_chars": 0, "removed": []})
    removed = [dict(item) for item in cleaning.get("removed", [])]
    for item in removed:
        if item["rule"] == RULE:
            item["chars"] += removed_chars
            break
    else:
        removed.append({"rule": RULE, "chars": removed_chars})
    cleaning["removed"] = sorted(removed, key=lambda item: item["rule"])
    cleaning["removed_chars"] = int(cleaning.get("removed_chars", 0)) + removed_chars
    return {**doc, "text": text, "cleaning": cleaning,
            "content_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def removed_hashes(doc: dict[str, Any], hashes: set[str] | frozenset[str], packed: bytes | None = None) -> list[str]:
    """The hashes (sorted, each once) of the paragraphs :func:`strip_repeated` removes from ``doc``
    with ``hashes``: what a metadata-only release records, so ``masthead hydrate`` can remove the
    same paragraphs from a text rebuilt from the page (``strip_repeated`` with these hashes)."""
    own = unpacked_hashes(packed) if packed is not None else []
    if len(own) != doc["text"].count("\n\n") + 1:
        own = paragraph_hashes(doc["text"])
    return sorted({h for h in own if h and h in hashes})
