"""Invisible and control characters out of metadata fields, before anything else reads them.

A title, byline, outlet, URL or date scraped from the web may carry characters a reader
never sees: C0/C1 control characters, bidi overrides and isolates (U+202A–U+202E,
U+2066–U+2069, which can make ``moc.elgoog`` display as ``google.com``), zero-width
characters and Unicode tag characters (which can smuggle hidden instructions). In metadata
they serve no purpose, so they are removed; tabs, newlines and line separators become a
space. Zero-width (non-)joiners are kept between two letters, where scripts such as Persian
and the Indic ones need them. Body text is not touched here (the clean step owns it).

``sanitize_fields`` is pure: it returns new fields and a note per changed field.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

METADATA_FIELDS = ("title", "dek", "outlet", "authors", "url", "date", "published_at", "crawled_at", "language")

_SPACE_LIKE = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_JOINERS = "\u200c\u200d"
_SUSPECT = re.compile(
    "[\x00-\x1f\x7f-\x9f"         # C0 and C1 controls (and DEL)
    "\u061c\u200e\u200f"          # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u180e\u200b\u2060-\u2064\ufeff"  # zero-width space, word joiner, invisible operators, BOM
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0"  # soft hyphen, invisible fillers
    "\u200c\u200d"                # zero-width non-joiner and joiner (kept between letters)
    "\ufff9-\ufffb"               # interlinear annotation controls
    "\U000e0000-\U000e007f]"      # tag characters
)
_MULTI_SPACE = re.compile(" {2,}")


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def sanitize_text(value: str) -> str:
    """``value`` without control, bidi and invisible characters; unchanged when it has none."""
    if _SUSPECT.search(value) is None:
        return value
    out = []
    spaced = False
    for index, ch in enumerate(value):
        if not _SUSPECT.match(ch):
            out.append(ch)
        elif ch in _SPACE_LIKE:
            out.append(" ")
            spaced = True
        elif ch in _JOINERS and 0 < index < len(value) - 1 and _is_letter(value[index - 1]) \
                and _is_letter(value[index + 1]):
            out.append(ch)
    text = "".join(out)
    return _MULTI_SPACE.sub(" ", text).strip() if spaced else text


def _sanitize_value(value: Any) -> Any:
    if isinstance(value, str):
        return sanitize_text(value)
    if isinstance(value, list):
        return [sanitize_text(v) if isinstance(v, str) else v for v in value]
    return value


def sanitize_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], tuple[tuple[str, str], ...]]:
    """Metadata fields with hidden characters removed, and a ('sanitize', reason) note per changed field."""
    changed = {}
    for name in METADATA_FIELDS:
        if isinstance(fields.get(name), (str, list)):
            value = _sanitize_value(fields[name])
            if value != fields[name]:
                changed[name] = value
    if not changed:
        return fields, ()
    notes = tuple(("sanitize", f"removed control, bidi or invisible characters from {name}") for name in changed)
    return {**fields, **changed}, notes
