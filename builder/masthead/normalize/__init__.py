"""Metadata normalisation: outlet, dates, authors, URL and language, each with provenance.

``normalize_metadata`` is a pure function of one record. It fills only what the sources
support; a field it cannot support stays null, and the reason goes into ``notes`` for the
build report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from masthead.clean import Cleaned
from masthead.context import StepContext
from masthead.ids import canonical_url
from masthead.records import GIVEN

PROVENANCE_FIELDS = ("title", "outlet", "date", "authors", "url", "language")


@dataclass(frozen=True)
class Metadata:
    outlet: str | None = None
    outlet_registered: bool = False
    date: str | None = None
    published_at: str | None = None
    date_precision: str | None = None
    authors: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    url: str | None = None
    language: str = "und"
    provenance: dict[str, str | None] = field(default_factory=dict)
    notes: tuple[tuple[str, str], ...] = ()


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SPACE = re.compile(r"\s+")


def _origin(origin: dict[str, str], key: str) -> str:
    return origin.get(key, GIVEN)


def normalize_metadata(
    fields: dict[str, Any], origin: dict[str, str], cleaned: Cleaned, ctx: StepContext
) -> Metadata:
    provenance: dict[str, str | None] = dict.fromkeys(PROVENANCE_FIELDS)
    notes: list[tuple[str, str]] = []
    if cleaned.title:
        provenance["title"] = _origin(origin, "title")

    outlet = fields.get("outlet")
    outlet = _SPACE.sub(" ", outlet).strip()[:300] or None if isinstance(outlet, str) else None
    if outlet:
        provenance["outlet"] = _origin(origin, "outlet")

    date = None
    raw_date = fields.get("date")
    if isinstance(raw_date, str) and raw_date.strip():
        match = _ISO_DATE.match(raw_date.strip()[:10])
        try:
            parsed = dt.date(*map(int, match.groups())) if match else None
        except ValueError:
            parsed = None
        if parsed is None:
            notes.append(("date", f"cannot read {raw_date[:60]!r} as a date"))
        else:
            date = parsed.isoformat()
            provenance["date"] = _origin(origin, "date")

    authors_value = fields.get("authors")
    names: list[str] = []
    if isinstance(authors_value, str):
        names = [n.strip() for n in re.split(r",|\band\b", authors_value) if n.strip()]
    elif isinstance(authors_value, list):
        names = [n.strip() for n in authors_value if isinstance(n, str) and n.strip()]
    if names:
        provenance["authors"] = _origin(origin, "authors")

    url = fields.get("url")
    url = url.strip() if isinstance(url, str) and canonical_url(url) else None
    if url:
        provenance["url"] = _origin(origin, "url")
    elif fields.get("url"):
        notes.append(("url", "not an http(s) URL"))

    language = fields.get("language") or ctx.language
    if language:
        provenance["language"] = _origin(origin, "language") if fields.get("language") else "given"
    return Metadata(
        outlet=outlet,
        date=date,
        date_precision="day" if date else None,
        authors=tuple(dict.fromkeys(names)),
        url=url,
        language=str(language) if language else "und",
        provenance=provenance,
        notes=tuple(notes),
    )
