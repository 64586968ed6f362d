"""Bylines read against the outlet registry: which pieces are people, agencies or the outlet itself.

:func:`masthead.normalize.authors.parse_byline` with the registry's agencies and outlet names,
cached: bylines and the names in them repeat across a corpus (staff writers, agencies), so most
documents' bylines are answered from the caches.

The outlet itself is known by its keys (``compact_key`` of the outlet's name, of the names the page
gives its site, of its host): a piece with one of these keys, or led by one ("MDR THÜRINGEN" on
an MDR page), credits the site, not a person.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from masthead.normalize.authors import MAX_BYLINE, OUTLET_TEST, Byline, Verdict, classify_piece, decide, parse_byline, piece_verdict
from masthead.normalize.outlets import Registry, compact_key

OutletKeys = str | frozenset[str] | None
MIN_LEAD_KEY = 3  # a shorter name leading a piece is too likely a person's initials


def _keyset(outlet_key: OutletKeys) -> frozenset[str]:
    if outlet_key is None:
        return frozenset()
    return frozenset((outlet_key,)) if isinstance(outlet_key, str) else outlet_key


def lead_keys(name: str) -> tuple[str, ...]:
    """``compact_key`` of each run of leading words of ``name``, shortest first, the whole name left out."""
    words = name.split()[:8]
    keys = (compact_key(" ".join(words[:end])) for end in range(1, len(words)))
    return tuple(key for key in keys if len(key) >= MIN_LEAD_KEY)


def names_site(key: str, leads: tuple[str, ...], keys: frozenset[str]) -> bool:
    return key in keys or any(lead in keys for lead in leads)


def is_outlet(registry: Registry, name: str, outlet_key: OutletKeys) -> bool:
    """The registry knows ``name``, or it is (or starts with) one of the outlet's keys."""
    keys = _keyset(outlet_key)
    return registry.by_name(name) is not None or (bool(keys) and names_site(compact_key(name), lead_keys(name), keys))


@lru_cache(maxsize=4096)  # bylines repeat across a corpus (staff writers, agencies)
def _cached_byline(registry: Registry, value: str | tuple[str, ...], outlet_key: OutletKeys) -> Byline:
    def outlet_named(name: str) -> bool:
        return is_outlet(registry, name, outlet_key)

    def classify(piece: str) -> tuple[str, str] | None:
        if len(piece) > _PIECE_KEPT:
            return classify_piece(piece, registry.is_agency, outlet_named)
        verdict, registered, key, leads = _piece_verdict(registry, piece)
        return decide(verdict, registered or (bool(keys) and names_site(key, leads, keys)))

    keys = _keyset(outlet_key)

    return parse_byline(value, registry.is_agency, outlet_named, classify)


_PIECE_KEPT = 200  # longer pieces of a byline are not names: classified, not kept


@lru_cache(maxsize=8192)  # names recur far more often than whole bylines ("A and B", "B, C"), and across outlets
def _piece_verdict(registry: Registry, piece: str) -> tuple[Verdict | None, bool, str, tuple[str, ...]]:
    """The piece's verdict, and for an outlet test whether the registry knows the name, its compact key and
    its ``lead_keys`` (``is_outlet`` in two parts: the outlet's own keys are compared per document)."""
    verdict = piece_verdict(piece, registry.is_agency)
    if verdict is None or verdict.kind != OUTLET_TEST:
        return verdict, False, "", ()
    return verdict, registry.by_name(verdict.name) is not None, compact_key(verdict.name), lead_keys(verdict.name)


def byline_of(registry: Registry, value: str | list[Any], outlet_key: OutletKeys) -> Byline:
    """``parse_byline`` with the registry's agencies and the outlet's keys (one, or a frozenset), cached for
    short bylines (it reads at most ``MAX_BYLINE`` characters of each of the first 100 names)."""
    key = value[:MAX_BYLINE] if isinstance(value, str) else tuple(v[:MAX_BYLINE] for v in value if isinstance(v, str))[:100]
    if (len(key) if isinstance(key, str) else sum(map(len, key))) > MAX_BYLINE:  # long keys are not kept
        return _cached_byline.__wrapped__(registry, key, outlet_key)
    return _cached_byline(registry, key, outlet_key)
