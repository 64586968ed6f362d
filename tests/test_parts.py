"""A job cut into parts: finished once, with its results in part order, however they arrive."""

from __future__ import annotations

from typing import Any

from masthead.engine.parts import PartsOf


def test_a_job_finishes_once_when_its_last_part_arrives_in_part_order() -> None:
    finished: list[tuple[Any, list[Any]]] = []
    parts = PartsOf(lambda job, results: finished.append((job, results)))
    parts.expect("a", 3)
    parts.expect("b", 1)
    parts.add("a", 2, "a2")
    parts.add("b", 0, None)  # a part's result may be None
    parts.add("a", 0, "a0")
    assert finished == [("b", [None])]
    parts.add("a", 1, "a1")
    assert finished == [("b", [None]), ("a", ["a0", "a1", "a2"])]
