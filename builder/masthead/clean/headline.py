"""Headline (and dek) separation: the body text never starts with its own headline."""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[\W_]+")


def same_text(a: str, b: str) -> bool:
    """Equal after lowercasing and ignoring punctuation, quote style and spacing."""
    return _NON_WORD.sub(" ", a.casefold()).strip() == _NON_WORD.sub(" ", b.casefold()).strip()


def drop_repeated_title(paragraphs: list[str], title: str | None) -> tuple[list[str], list[str]]:
    """Remove leading paragraphs that repeat the headline; return (kept, removed)."""
    if not title:
        return paragraphs, []
    removed: list[str] = []
    while paragraphs and same_text(paragraphs[0], title):
        removed.append(paragraphs.pop(0))
    return paragraphs, removed
