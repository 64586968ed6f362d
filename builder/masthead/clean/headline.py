"""Headline (and dek) separation: the body text never starts with its own headline."""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[\W_]+")


def same_text(a: str, b: str) -> bool:
    """Equal after lowercasing and ignoring punctuation, quote style and spacing."""
    return _NON_WORD.sub(" ", a.casefold()).strip() == _NON_WORD.sub(" ", b.casefold()).strip()


def contains_text(outer: str, inner: str) -> bool:
    """``inner`` appears in ``outer`` as whole words (a page title is often "Headline | Site")."""
    inner_words = _NON_WORD.sub(" ", inner.casefold()).strip()
    return bool(inner_words) and f" {inner_words} " in f" {_NON_WORD.sub(' ', outer.casefold()).strip()} "


_SITE_SEPARATOR = re.compile(r"\s[|\-–—*:·•]\s")


def strip_site_name(title: str, site_names: tuple[str, ...]) -> str:
    """``Headline | TechCrunch`` -> ``Headline`` when the trailing parts name the site (or a byline)."""
    keys = {_NON_WORD.sub("", name.casefold()) for name in site_names if name}
    keys |= {key.removeprefix("www").split("com")[0] for key in keys}
    keys = {key for key in keys if len(key) >= 4}
    while True:
        separators = list(_SITE_SEPARATOR.finditer(title))
        if not separators:
            return title.strip()
        last = separators[-1]
        tail_text = title[last.end():].strip()
        tail = _NON_WORD.sub("", tail_text.casefold())
        if not (tail_text.casefold().startswith("by ") or any(key in tail or tail in key for key in keys if tail)):
            return title.strip()
        title = title[: last.start()]
