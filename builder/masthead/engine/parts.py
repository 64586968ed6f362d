"""A job cut into parts run apart (on several workers), finished once every part is in.

The stages cut a lone shard into parts so it uses every worker (:mod:`masthead.engine.task`,
:mod:`masthead.engine.strip_stage`); the engine reports results as they come, in any order.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class PartsOf:
    """Results of the parts of jobs, by job: ``finish(job, results in part order)`` as the last arrives."""

    def __init__(self, finish: Callable[[Hashable, list[Any]], None]) -> None:
        self._finish = finish
        self._results: dict[Hashable, list[Any]] = {}
        self._missing: dict[Hashable, int] = {}

    def expect(self, job: Hashable, count: int) -> None:
        self._results[job] = [None] * count
        self._missing[job] = count

    def add(self, job: Hashable, part: int, result: Any) -> None:
        self._results[job][part] = result
        self._missing[job] -= 1
        if not self._missing[job]:
            del self._missing[job]
            self._finish(job, self._results.pop(job))
