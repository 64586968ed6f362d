"""JSON-LD blocks of a page: one way to read a block and to walk the objects it states.

Pages wrap blocks in HTML comments, put raw newlines inside strings and nest the article in
``@graph`` or ``mainEntity``; a block that is too large or not JSON is skipped, never an error.
"""

from __future__ import annotations

import json
from typing import Any

MAX_JSONLD = 2_000_000  # characters of one block; a larger one is skipped unread
MAX_DEPTH = 6
MAX_ITEMS = 200  # items of one list walked


def parse_block(raw: str, limit: int = MAX_JSONLD) -> Any | None:
    """A ``<script type="application/ld+json">`` block's value; None when it is over ``limit`` or not JSON."""
    if len(raw) > limit:
        return None
    try:
        return json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"), strict=False)
    except (ValueError, RecursionError):
        return None


def json_objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    """Every object a block states: itself, list items, and what ``@graph``, ``mainEntity`` and
    ``mainEntityOfPage`` hold (to ``MAX_DEPTH`` levels)."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(data, list):
        return [obj for item in data[:MAX_ITEMS] for obj in json_objects(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    out = [data]
    for key in ("@graph", "mainEntity", "mainEntityOfPage"):
        if isinstance(data.get(key), (dict, list)):
            out.extend(json_objects(data[key], depth + 1))
    return out
