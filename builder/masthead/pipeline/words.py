"""What a word is, for the report's text lengths: one definition for the workers and the recount."""

from __future__ import annotations

import numpy as np

# The ASCII characters ``str.split()`` splits on (``str.isspace``): tab to carriage return, the four
# information separators and the space.
_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_FAST_FROM = 256  # shorter texts: str.split is as quick


def word_count(text: str) -> int:
    """Words are what ``str.split()`` yields: runs of characters between Unicode whitespace.

    An ASCII text is counted in numpy (a word starts where a space is followed by a non-space),
    without building the words; measured on 5 KB articles, about three times quicker."""
    if len(text) < _FAST_FROM or not text.isascii():
        return len(text.split())
    space = _ASCII_SPACE.take(np.frombuffer(text.encode("ascii"), dtype=np.uint8))
    return int(not space[0]) + int(np.count_nonzero(space[:-1] > space[1:]))
