"""MinHash signatures of texts, for the near-duplicate search (:mod:`masthead.duplicates.detect`).

- shingles: word 5-grams of the text, casefolded, punctuation dropped (``SHINGLE_WORDS``);
  a text of five words or fewer is one shingle. Each word is hashed by a polynomial over its
  UTF-8 bytes (mod 2^64) and mixed (splitmix64); a shingle combines its five word hashes the
  same way and keeps the top 32 bits. No salted ``hash()``: the same text gives the same
  signature in every process and on every platform.
- ``NUM_PERM = 128`` permutations drawn from the fixed seed ``SEED``: ``(a·x + b) mod 2^32`` with
  ``a`` odd (a bijection of the 32-bit shingle hashes), applied in one numpy broadcast; the
  signature keeps the minimum of each (512 bytes, little-endian ``uint32``). 32-bit arithmetic
  runs twice as fast as 64-bit in numpy; on 400 pairs of known Jaccard 0.5/0.8/0.9 its
  estimates were unbiased with the binomial spread (0.037 at 0.8; ideal 0.035).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 20180716
SIGNATURE_BYTES = NUM_PERM * 4

_WORD = re.compile(r"[^\W_]+")
_RNG = np.random.Generator(np.random.PCG64(SEED))
_A = (_RNG.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1))[:, None]
_B = _RNG.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32)[:, None]
_MUL = np.uint64(0x100000001B3)  # odd: the word polynomial's base, invertible mod 2^64
_SHINGLE = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
                     0x27D4EB2F165667C5], dtype=np.uint64)
_powers = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))


def mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (uint64 arithmetic wraps mod 2^64 by design)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _power_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """_MUL^i and _MUL^-i mod 2^64 for i < n (grown on demand; pure arithmetic, so deterministic)."""
    global _powers
    if len(_powers[0]) < n:
        size = max(n, 2 * len(_powers[0]), 8192)
        inverse = np.uint64(pow(int(_MUL), -1, 2**64))
        up, down = np.full(size, _MUL, dtype=np.uint64), np.full(size, inverse, dtype=np.uint64)
        up[0] = down[0] = 1
        _powers = (np.multiply.accumulate(up), np.multiply.accumulate(down))
    return _powers


def word_hashes(text: str) -> np.ndarray:
    """A 64-bit hash per word (``[^\\W_]+`` of the casefolded text), in order."""
    folded = text.casefold()
    if folded.isascii():
        data = np.frombuffer(folded.encode("ascii"), dtype=np.uint8)
        word = ((data - np.uint8(48)) < np.uint8(10)) | ((data - np.uint8(97)) < np.uint8(26))
    else:
        data = np.frombuffer(" ".join(_WORD.findall(folded)).encode("utf-8"), dtype=np.uint8)
        word = data != np.uint8(32)
    n = len(data)
    padded = np.zeros(n + 2, dtype=bool)
    padded[1:-1] = word
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    starts, ends = edges[0::2], edges[1::2]
    up, down = _power_tables(n + 1)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(data * up[:n], out=prefix[1:])
    return mix64((prefix[ends] - prefix[starts]) * down[starts])


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """Word n-grams of the lowercased text without punctuation; a shorter text is one shingle.

    The definition :func:`signature` hashes (it never builds these strings)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(text: str) -> bytes:
    """The text's MinHash signature: ``NUM_PERM`` 32-bit minima, little-endian; ``b""`` without words."""
    words = word_hashes(text)
    n = len(words)
    if n == 0:
        return b""
    if n <= SHINGLE_WORDS:
        combined = (words * _SHINGLE[:n]).sum(keepdims=True, dtype=np.uint64)
    else:
        m = n - SHINGLE_WORDS + 1
        combined = words[:m] * _SHINGLE[0]
        for j in range(1, SHINGLE_WORDS):
            combined += words[j : j + m] * _SHINGLE[j]
    values = (mix64(combined) >> np.uint64(32)).astype(np.uint32)
    table = _A * values
    table += _B
    return table.min(axis=1).astype("<u4").tobytes()


def unpack(packed: Sequence[bytes | None]) -> tuple[np.ndarray, np.ndarray]:
    """(signatures of the valid entries as an (n, NUM_PERM) uint32 array, valid mask)."""
    ok = [p is not None and len(p) == SIGNATURE_BYTES for p in packed]
    valid = np.array(ok, dtype=np.bool_)
    joined = b"".join(p for p, good in zip(packed, ok, strict=True) if good and p is not None)
    return np.frombuffer(joined, dtype="<u4").reshape(-1, NUM_PERM).astype(np.uint32), valid


def similarity(one: bytes, other: bytes) -> float:
    """The Jaccard similarity of two texts estimated from their signatures: the share of equal minima
    (1.0 for two texts without words, 0.0 when only one has words or a signature is malformed)."""
    if not one or not other:
        return 1.0 if one == other else 0.0
    if len(one) != SIGNATURE_BYTES or len(other) != SIGNATURE_BYTES:
        return 0.0
    a, b = np.frombuffer(one, dtype="<u4"), np.frombuffer(other, dtype="<u4")
    return float(np.count_nonzero(a == b)) / NUM_PERM


def paragraph_count(text: str) -> int:
    """Paragraphs of a cleaned text (blocks separated by a blank line), as a metadata-only release records them."""
    return text.count("\n\n") + 1 if text else 0
