"""Metadata normalisation: title, outlet, dates, authors, URL and language, each with provenance.

``normalize_metadata`` is a pure function of one record (plus the read-only outlet
registry). Each field takes the first source that supports it, in this order: the record's
own fields (given, manifest, front matter), the page's metadata (HTML), the URL, then the
text. A field no source supports stays null with null provenance; why a source was not
used goes into ``notes`` for the build report. A date the collector gave that cannot be a
publication date (before 1800, after the build) makes the record a reject instead.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from masthead.clean import Cleaned
from masthead.context import StepContext
from masthead.normalize.authors import Byline, parse_byline
from masthead.normalize.dates import ParsedDate, Unparsed, anchor_of, implausible, parse_date
from masthead.normalize.outlets import MAX_NAME, Outlet, compact_key, domain_label, host_of, load_registry
from masthead.normalize.page_meta import page_meta
from masthead.normalize.registry_bylines import byline_of
from masthead.normalize.signatures import find_signatures
from masthead.normalize.sources import Sources
from masthead.normalize.titles import clean_title, preferred_title, site_matcher, statement_keys
from masthead.normalize.urls import clean_url, date_from_url
from masthead.records import GIVEN
from masthead.schema import document_schema

# the fields whose origin a document records, as the document schema declares them
PROVENANCE_FIELDS = tuple(document_schema()["properties"]["provenance"]["properties"])
HTML_META = "html-meta"
URL = "url"
TEXT = "text"

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
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
    # (JSON pointer, value, why): a given date that cannot be right; the record is rejected.
    rejection: tuple[str, str, str] | None = None


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _url(src: Sources) -> tuple[str | None, str | None]:
    value, origin = src.given("url")
    url = clean_url(value)
    if url is not None:
        return url, origin
    if value not in (None, ""):
        src.notes.append(("url", "not an http(s) URL; left empty"))
    candidates: list[object] = [*(src.page.urls if src.page else []), src.cleaned.meta.get("url")]
    for candidate in candidates:
        found = clean_url(candidate)
        if found is not None:
            return found, HTML_META
    return None, None


def _outlet(src: Sources, url: str | None) -> tuple[str | None, bool, str | None]:
    registry = src.registry
    value, origin = src.given("outlet")
    if isinstance(value, str) and value.strip():
        name = _SPACE.sub(" ", value[: MAX_NAME * 3]).strip(" \t,;|-–—")
        if len(name) > MAX_NAME:
            src.notes.append(("outlet", f"the given outlet is {len(value)} characters long, not a name; left empty"))
        elif name:
            found = registry.by_name(name)
            if found is not None:
                return found.name, True, origin
            src.notes.append(("outlet", f"unregistered: {name}"))
            return name, False, origin
    if url is not None:
        found = registry.by_url(url)
        if found is not None:
            return found.name, True, URL
    meta = src.cleaned.meta
    page_sites = list(src.page.site_names if src.page else [])
    for site in [*page_sites, meta.get("sitename")]:
        if isinstance(site, str) and site.strip():
            found = registry.by_name(site)
            if found is not None:
                return found.name, True, HTML_META
    for host in (meta.get("hostname"), *(src.page.urls[:1] if src.page else [])):
        if isinstance(host, str) and (found := registry.by_url(host)) is not None:
            return found.name, True, HTML_META
    for name in src.signatures.outlets:
        found = registry.by_name(name)
        if found is not None:
            return found.name, True, TEXT
    site = _unregistered_site(page_sites, url)
    if site is not None:
        src.notes.append(("outlet", f"unregistered: {site}"))
        return site, False, HTML_META
    return None, False, None


def _unregistered_site(names: list[str], url: str | None) -> str | None:
    """The page's own site name; with several, the one that matches the domain."""
    names = [n for n in names if n.strip() and len(n) <= 80 and len(n.split()) <= 6]
    if not names:
        return None
    host = host_of(url) if url else None
    label = domain_label(host) if host else ""
    if label:
        for name in names:
            key = compact_key(name)
            if key and (label in key or key in label):
                return name
    counts = Counter(names)
    return max(names, key=lambda n: counts[n])  # the name the page states most often, first on ties


def _date(src: Sources, url: str | None, ctx: StepContext) -> tuple[ParsedDate | None, str | None, Metadata | None]:
    anchor = anchor_of(src.fields.get("crawled_at"))
    candidates: list[tuple[object, str, bool]] = []
    for key in ("date", "published_at"):
        value, origin = src.given(key)
        candidates.append((value, origin, True))
    if src.page is not None:
        candidates.extend((d, HTML_META, False) for d in src.page.dates)
    candidates.append((src.cleaned.meta.get("date"), HTML_META, False))
    from_url = date_from_url(url) if url else None
    candidates.append((from_url, URL, False))
    candidates.extend((d, TEXT, False) for d in src.signatures.dates)
    for value, origin, given in candidates:
        if value is None or value == "":
            continue
        parsed = value if isinstance(value, ParsedDate) else parse_date(str(value), ctx.date_order, anchor)
        if isinstance(parsed, Unparsed):
            if given:
                src.notes.append(("date", f"cannot read the {origin} date {_short(str(value))!r}: {parsed.reason}"))
            continue
        problem = implausible(parsed, ctx.build_date)
        if problem is not None:
            if given:
                return None, None, Metadata(rejection=(f"/{'date' if value == src.fields.get('date') else 'published_at'}",
                                                       str(value), problem))
            src.notes.append(("date", f"ignored a {origin} date {problem}"))
            continue
        if origin == TEXT and parsed.precision != "day":
            continue
        return parsed, origin, None
    return None, None, None


def _bylines(src: Sources) -> list[tuple[object, str]]:
    value, origin = src.given("authors")
    out: list[tuple[object, str]] = [(value, origin)] if value else []
    if src.page is not None:
        out.append((src.page.people, HTML_META))
        out.append((src.page.meta_authors, HTML_META))
        out.append((src.page.organisations, HTML_META))
    author = src.cleaned.meta.get("author")
    if isinstance(author, str):
        out.append((author.split(";"), HTML_META))
    out.extend((line, TEXT) for line in src.signatures.bylines)
    return out


def _authors(src: Sources, outlet: str | None) -> tuple[Byline, str | None]:
    registry = src.registry
    outlet_key = compact_key(outlet) if outlet else None
    first_agencies: tuple[Byline, str] | None = None
    for index, (value, origin) in enumerate(_bylines(src)):
        if not value or not isinstance(value, (str, list)):
            continue
        byline = byline_of(registry, value, outlet_key)
        if index == 0 and origin != HTML_META and origin != TEXT and not byline:
            src.notes.append(("authors", f"no name in the {origin} byline {_short(str(value))!r}"))
        if byline.authors:
            return byline, origin
        if byline.agencies and first_agencies is None:
            first_agencies = (byline, origin)
    return first_agencies if first_agencies is not None else (Byline(), None)


def _title(src: Sources, outlet: str | None, url: str | None) -> tuple[str | None, str | None]:
    registry = src.registry
    host = host_of(url) if url else None
    is_site = site_matcher(
        [*(src.page.site_names if src.page else []), outlet or "", host or ""],
        [domain_label(host)] if host else [],
        lambda part: (found := registry.by_name(part)) is not None and found.name == outlet,
    )

    statements = statement_keys(src.page)
    value, origin = src.given("title")
    candidates: list[tuple[object, str]] = [(value, origin)]
    if src.page is not None:
        candidates.append((preferred_title(src.page, is_site), HTML_META))
        by_source = dict(reversed(src.page.titles))
        for key in ("ld", "og:title", "headline"):
            candidates.append((by_source.get(key), HTML_META))
        candidates.append((src.page.h1, HTML_META))
        candidates.extend((title, HTML_META) for _, title in src.page.titles)
    if src.cleaned.title:
        candidates.append((src.cleaned.title, src.cleaned.title_origin or origin))
    for candidate, where in candidates:
        if isinstance(candidate, str) and candidate.strip():
            title = clean_title(candidate, is_site, statements)
            if title:
                return title, where
    return None, None


def normalize_metadata(
    fields: dict[str, Any], origin: dict[str, str], cleaned: Cleaned, ctx: StepContext
) -> Metadata:
    html = fields.get("html")
    body = fields.get("text") if isinstance(fields.get("text"), str) else cleaned.text
    removed = [line for _, line in getattr(cleaned, "removed_lines", ())]
    src = Sources(
        fields=fields,
        origin=origin,
        cleaned=cleaned,
        registry=load_registry(ctx.schema_dir),
        page=page_meta(html) if isinstance(html, str) else None,
        signatures=find_signatures([str(body or "")], removed),
        notes=[],
    )
    provenance: dict[str, str | None] = dict.fromkeys(PROVENANCE_FIELDS)
    url, provenance["url"] = _url(src)
    parsed, date_origin, rejected = _date(src, url, ctx)
    if rejected is not None:
        return rejected
    outlet, registered, provenance["outlet"] = _outlet(src, url)
    byline, authors_origin = _authors(src, outlet)
    contributors = list(byline.contributors)
    contributor_origin = authors_origin if contributors else None
    for line in src.signatures.contributors:
        found = parse_byline(line).authors
        if found:
            contributors.extend(found)
            contributor_origin = contributor_origin or TEXT
    author_keys = {a.casefold() for a in byline.authors}
    contributors = list(dict.fromkeys(c for c in contributors if c.casefold() not in author_keys))
    title, provenance["title"] = _title(src, outlet, url)
    provenance["authors"] = authors_origin if byline.authors else None
    provenance["agencies"] = authors_origin if byline.agencies else None
    provenance["contributors"] = contributor_origin if contributors else None
    if parsed is not None:
        provenance["date"] = date_origin
    language = fields.get("language") or ctx.language
    if language:
        provenance["language"] = origin.get("language", GIVEN) if fields.get("language") else "given"
    return Metadata(
        title=title,
        outlet=outlet,
        outlet_registered=registered,
        date=parsed.date.isoformat() if parsed else None,
        published_at=parsed.published_at if parsed else None,
        date_precision=parsed.precision if parsed else None,
        authors=byline.authors,
        contributors=tuple(contributors),
        agencies=byline.agencies,
        url=url,
        language=str(language) if language else "und",
        provenance=provenance,
        notes=tuple(src.notes),
    )


__all__ = ["PROVENANCE_FIELDS", "Metadata", "Outlet", "normalize_metadata"]
