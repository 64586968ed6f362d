"""The per-document evidence the stripping stage writes beside each final text, for the merge.

Computed on the workers, shard by shard, so the main process only counts and searches
(:mod:`masthead.engine.evidence`): ``_bands``, the LSH band keys of the text's MinHash
signature (:func:`masthead.duplicates.detect.band_keys`, ``BANDS`` little-endian ``uint64``; empty without a
signature), and ``_sha64``, the first 16 hex digits of ``content_sha256`` as a number (null
without a hash). Equal texts have equal prefixes; documents sharing a prefix are compared by
their full hashes.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from masthead.duplicates.detect import band_keys
from masthead.duplicates.minhash import NUM_PERM, SIGNATURE_BYTES

# hex digit -> its value; any other byte maps to something too (equal strings, equal prefixes)
_HEX = np.array([int(chr(c), 16) if chr(c) in "0123456789abcdefABCDEF" else c & 15 for c in range(256)], dtype=np.uint64)
PREFIX_CHARS = 16


def hash_prefixes(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The 64-bit value of each string's first 16 hex digits (null for a null string)."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.cast(pa.string())
    valid = np.asarray(pc.is_valid(array).to_numpy(zero_copy_only=False), dtype=bool)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    lengths = np.diff(offsets).astype(np.int64)
    data = array.buffers()[2]
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None and len(data) else np.zeros(1, np.uint8)
    prefix = np.zeros(len(array), dtype=np.uint64)
    for j in range(PREFIX_CHARS):
        inside = lengths > j
        chars = raw[np.minimum(offsets[:-1].astype(np.int64) + j, len(raw) - 1)]
        prefix = (prefix << np.uint64(4)) | np.where(inside, _HEX[chars], np.uint64(0))
    return pa.array(prefix, pa.uint64(), mask=~valid)


def band_column(signatures: list[bytes]) -> pa.Array:
    """Each signature's band keys, packed (``b""`` for a text without a signature)."""
    valid = [len(sig) == SIGNATURE_BYTES for sig in signatures]
    out = [b""] * len(signatures)
    if any(valid):
        sigs = np.frombuffer(b"".join(sig for sig, ok in zip(signatures, valid, strict=True) if ok), dtype="<u4")
        keys = band_keys(sigs.reshape(-1, NUM_PERM)).astype("<u8")
        rows = [i for i, ok in enumerate(valid) if ok]
        for row, key in zip(rows, keys, strict=True):
            out[row] = key.tobytes()
    return pa.array(out, pa.binary())
