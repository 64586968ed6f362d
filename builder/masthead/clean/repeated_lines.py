"""Corpus-level evidence: paragraphs that recur across many documents of one outlet are furniture.

CCNet-style: each paragraph is hashed after normalisation (lowercase, digits -> 0, punctuation
and spacing dropped), so "Subscribe to our newsletter" and "SUBSCRIBE to our newsletter!" are
one line. A hash found in at least ``min_docs`` documents *and* ``min_share`` of the documents
of the same group (the outlet, else the source folder) is boilerplate for that group. Pure
functions: :func:`find_repeated` reads hashes, :func:`strip_repeated` returns a new document.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

RULE = "repeated-line"
MIN_DOCS = 5
MIN_SHARE = 0.2
MIN_CHARS = 10  # shorter paragraphs are left to the line rules ("Share", "X")

_DIGIT = re.compile(r"\d")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize_line(line: str) -> str:
    text = unicodedata.normalize("NFKC", line).casefold()
    return _NOT_WORD.sub(" ", _DIGIT.sub("0", text)).strip()


def paragraph_hashes(text: str) -> list[str]:
    """One short hash per paragraph of ``text`` (paragraphs split by a blank line), in order."""
    out = []
    for paragraph in text.split("\n\n"):
        key = normalize_line(paragraph)
        out.append(hashlib.sha1(key.encode("utf-8")).hexdigest()[:16] if len(key) >= MIN_CHARS else "")
    return out


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


def strip_repeated(doc: dict[str, Any], hashes: set[str]) -> dict[str, Any]:
    """A copy of ``doc`` without the repeated paragraphs; ``cleaning`` and ``content_sha256`` updated.

    A document made only of repeated paragraphs is returned unchanged (nothing is rejected
    here; the duplicate and boilerplate decisions are made elsewhere)."""
    paragraphs = doc["text"].split("\n\n")
    keep = [p for p, h in zip(paragraphs, paragraph_hashes(doc["text"]), strict=True) if not h or h not in hashes]
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
