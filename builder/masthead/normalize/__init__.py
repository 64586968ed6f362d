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
from dataclasses import dataclass, field
from typing import Any

from masthead.clean import Cleaned
from masthead.normalize.author_sources import choose_byline, site_keys
from masthead.normalize.authors import parse_byline
from masthead.normalize.outlets import MAX_NAME, Outlet, domain_label, host_of, load_registry
from masthead.normalize.page_meta import page_meta
from masthead.normalize.record_date import record_date
from masthead.normalize.signatures import find_signatures
from masthead.normalize.site_names import agrees_with_host, stated_site_names, unregistered_site, with_title_sites
from masthead.normalize.sources import Sources
from masthead.normalize.time_zones import outlet_zone
from masthead.normalize.titles import clean_title, preferred_title, site_matcher, statement_keys
from masthead.normalize.urls import clean_url
from masthead.pipeline.context import StepContext
from masthead.pipeline.records import GIVEN
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
    html = src.fields.get("html")
    page_sites = stated_site_names(src.page, html if isinstance(html, str) else None) if src.page else []
    for site in [*page_sites, meta.get("sitename")]:
        if isinstance(site, str) and site.strip():
            found = registry.by_name(site)
            if found is not None and agrees_with_host(found, url):
                return found.name, True, HTML_META
    for host in (meta.get("hostname"), *(src.page.urls[:1] if src.page else [])):
        if isinstance(host, str) and (found := registry.by_url(host)) is not None:
            return found.name, True, HTML_META
    for name in src.signatures.outlets:
        found = registry.by_name(name)
        if found is not None:
            return found.name, True, TEXT
    if src.page is not None:  # the page may carry its name on its <title>: see site_names.with_title_sites
        host = host_of(url) if url else None
        page_sites = with_title_sites(page_sites, src.page, domain_label(host) if host else "")
    site = unregistered_site(page_sites, url, html if isinstance(html, str) else None)
    if site is not None:
        src.notes.append(("outlet", f"unregistered: {site}"))
        return site, False, HTML_META
    return None, False, None




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
    outlet, registered, provenance["outlet"] = _outlet(src, url)
    parsed, date_origin, rejection = record_date(src, url, ctx, outlet_zone(src.registry.by_name(outlet) if outlet else None))
    if rejection is not None:
        return Metadata(rejection=rejection)
    byline, authors_origin = choose_byline(src, site_keys(src, outlet, url))
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
