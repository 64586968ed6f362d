"""Position -> string maps for the documents of a build, without a Python object per entry.

The merge marks duplicates by position in the id order (``duplicate_of``); a corpus can have
hundreds of thousands of them, so they are a sorted ``int64`` array beside an Arrow array, and
the write pass asks for a batch's values with one search and one ``take``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pyarrow as pa


def values_between(mapping: Mapping[int, str], start: int, stop: int) -> pa.Array | None:
    """The values of positions ``start`` to ``stop`` (null where absent), None when all are absent."""
    if isinstance(mapping, PositionMap):
        return mapping.values_between(start, stop)
    values = [mapping.get(i) for i in range(start, stop)]
    return pa.array(values, pa.string()) if any(v is not None for v in values) else None


def values_at(mapping: Mapping[int, str], positions: np.ndarray) -> pa.Array | None:
    """The values of ascending ``positions`` (null where absent), None when all are absent."""
    if isinstance(mapping, PositionMap):
        return mapping.values_at(positions)
    values = [mapping.get(i) for i in positions.tolist()]
    return pa.array(values, pa.string()) if any(v is not None for v in values) else None


class PositionMap(Mapping[int, str]):
    """Position -> string for some positions, held as a sorted ``int64`` array and an Arrow array
    (no Python object per entry: a corpus can have hundreds of thousands of duplicates)."""

    def __init__(self, positions: np.ndarray, values: pa.Array) -> None:
        self._positions = np.asarray(positions, dtype=np.int64)
        self._values = values

    def _index(self, key: object) -> int | None:
        if not isinstance(key, int | np.integer) or not len(self._positions):
            return None
        i = int(np.searchsorted(self._positions, key))
        return i if i < len(self._positions) and self._positions[i] == key else None

    def __getitem__(self, key: int) -> str:
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        return str(self._values[i].as_py())

    def values_between(self, start: int, stop: int) -> pa.Array | None:
        """As :func:`values_between`: one search and one ``take`` instead of a lookup per position."""
        lo, hi = np.searchsorted(self._positions, [start, stop]).tolist()
        if lo == hi:
            return None
        index = np.full(stop - start, -1, dtype=np.int64)
        index[self._positions[lo:hi] - start] = np.arange(lo, hi)
        taken = self._values.take(pa.array(index, mask=index < 0))
        return taken.cast(pa.string()) if taken.type != pa.string() else taken

    def values_at(self, positions: np.ndarray) -> pa.Array | None:
        """As :func:`values_at`: one search and one ``take``."""
        if not len(self._positions) or not len(positions):
            return None
        found = np.searchsorted(self._positions, positions)
        hit = self._positions[np.minimum(found, len(self._positions) - 1)] == positions
        if not hit.any():
            return None
        index = np.where(hit, found, -1)
        taken = self._values.take(pa.array(index, mask=~hit))
        return taken.cast(pa.string()) if taken.type != pa.string() else taken

    def get(self, key: int, default: Any = None) -> Any:
        i = self._index(key)
        return default if i is None else self._values[i].as_py()

    def __contains__(self, key: object) -> bool:
        return self._index(key) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self._positions.tolist())

    def __len__(self) -> int:
        return len(self._positions)
