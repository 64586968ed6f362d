"""Bylines read against the outlet registry: which pieces are people, agencies or the outlet itself.

:func:`masthead.normalize.authors.parse_byline` with the registry's agencies and outlet names,
cached: bylines and the names in them repeat across a corpus (staff writers, agencies), so most
documents' bylines are answered from the caches.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from masthead.normalize.authors import MAX_BYLINE, OUTLET_TEST, Byline, Verdict, classify_piece, decide, parse_byline, piece_verdict
from masthead.normalize.outlets import Registry, compact_key


def is_outlet(registry: Registry, name: str, outlet_key: str | None) -> bool:
    return registry.by_name(name) is not None or (outlet_key is not None and compact_key(name) == outlet_key)


@lru_cache(maxsize=4096)  # bylines repeat across a corpus (staff writers, agencies)
def _cached_byline(registry: Registry, value: str | tuple[str, ...], outlet_key: str | None) -> Byline:
    def outlet_named(name: str) -> bool:
        return is_outlet(registry, name, outlet_key)

    def classify(piece: str) -> tuple[str, str] | None:
        if len(piece) > _PIECE_KEPT:
            return classify_piece(piece, registry.is_agency, outlet_named)
        verdict, registered, key = _piece_verdict(registry, piece)
        return decide(verdict, registered or (outlet_key is not None and key == outlet_key))

    return parse_byline(value, registry.is_agency, outlet_named, classify)


_PIECE_KEPT = 200  # longer pieces of a byline are not names: classified, not kept


@lru_cache(maxsize=8192)  # names recur far more often than whole bylines ("A and B", "B, C"), and across outlets
def _piece_verdict(registry: Registry, piece: str) -> tuple[Verdict | None, bool, str]:
    """The piece's verdict, and for an outlet test whether the registry knows the name and its compact key
    (``is_outlet`` in two parts: the outlet's own key is compared per document)."""
    verdict = piece_verdict(piece, registry.is_agency)
    if verdict is None or verdict.kind != OUTLET_TEST:
        return verdict, False, ""
    return verdict, registry.by_name(verdict.name) is not None, compact_key(verdict.name)


def byline_of(registry: Registry, value: str | list[Any], outlet_key: str | None) -> Byline:
    """``parse_byline`` with the registry's agencies and the outlet's name, cached for short bylines
    (it reads at most ``MAX_BYLINE`` characters of each of the first 100 names)."""
    key = value[:MAX_BYLINE] if isinstance(value, str) else tuple(v[:MAX_BYLINE] for v in value if isinstance(v, str))[:100]
    if (len(key) if isinstance(key, str) else sum(map(len, key))) > MAX_BYLINE:  # long keys are not kept
        return _cached_byline.__wrapped__(registry, key, outlet_key)
    return _cached_byline(registry, key, outlet_key)
