"""What a word is, for the report's text lengths: one definition for the workers and the recount."""

from __future__ import annotations


def word_count(text: str) -> int:
    """Words are what ``str.split()`` yields: runs of characters between Unicode whitespace."""
    return len(text.split())
