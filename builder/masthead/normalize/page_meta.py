"""Metadata a page states about itself: ``<meta>`` tags, JSON-LD, microdata, ``<title>``, the first ``<h1>``.

A bounded scan of the HTML string (no tree, no network): each regex has fixed repetition
limits, JSON-LD blocks are read with ``json`` up to ``MAX_JSONLD`` characters each, and at
most ``MAX_BLOCKS`` of them. The result lists candidates per field, best first; choosing
among them is the normalisers' job.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from masthead.clean.jsonld import parse_block
from masthead.normalize.date_candidates import DateCandidate, element_candidates, jsonld_candidates, meta_candidates

MAX_JSONLD = 500_000
MAX_BLOCKS = 20
MAX_VALUE = 1000

_META = re.compile(r"<meta\b([^<>]{1,4000})>", re.IGNORECASE)
_LINK = re.compile(r"<link\b([^<>]{1,2000})>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]{1,60})\s{0,3}=\s{0,3}(?:"([^"]{0,4000})"|'([^']{0,4000})'|([^\s"'>]{1,400}))""")
_TITLE = re.compile(r"<title\b[^<>]{0,200}>([^<]{1,1000})</title", re.IGNORECASE)
_H1 = re.compile(r"<h1\b[^<>]{0,1000}>(.{0,3000}?)</h1\s{0,3}>", re.IGNORECASE | re.DOTALL)
# The first non-empty element a page marks as its schema.org headline (microdata on the visible text).
_ITEMPROP_HEADLINE = re.compile(
    r"""<(h[1-6]|span|p|a)\b[^<>]{0,1000}?\bitemprop\s{0,3}=\s{0,3}["']?headline\b[^<>]{0,1000}>""", re.IGNORECASE
)
# Where an ``itemprop="headline"`` attribute is: an opening above matches only around one of these, so it is
# matched from the ``<`` that opens that tag rather than tried at every ``<a``, ``<p`` and ``<span`` of the page.
_HEADLINE_ATTR = re.compile(r"""itemprop\s{0,3}=\s{0,3}["']?headline\b""", re.IGNORECASE)
_TAG_REACH = 1010  # characters from a tag's ``<`` to its ``itemprop`` that _ITEMPROP_HEADLINE allows, and a margin
_CLOSE = {tag: re.compile(rf"</{tag}\s{{0,3}}>", re.IGNORECASE) for tag in ("h1", "h2", "h3", "h4", "h5", "h6", "span", "p", "a")}
_TAG = re.compile(r"<[^<>]{0,1000}>")
_SPACE = re.compile(r"\s+")

DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "published_time",
    "parsely-pub-date", "sailthru.date", "publish-date", "publishdate", "pubdate", "article.published",
    "publication_date", "dc.date.issued", "dcterms.created", "dc.date", "date", "og:published_time",
)
AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "byline")
# Other author tags, after those: any key whose last part names the author ("cXenseParse:author", "articleAuthor",
# "article:author_name", "og:author", "dcterms.creator"); Twitter's creator is a handle, not a name.
_OTHER_AUTHOR_KEY = re.compile(r"(?:^|[:._#-]|article)(?:authors?|author_?name|byline|creator)$")
SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title")
TITLE_KEYS = ("og:title", "twitter:title", "headline", "parsely-title", "sailthru.title")
ARTICLE_TYPES = frozenset((
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "blogposting", "liveblogposting", "backgroundnewsarticle", "reviewnewsarticle", "socialmediaposting",
    "report", "scholarlyarticle", "techarticle", "askpublicnewsarticle",
))


@dataclass
class PageMeta:
    titles: list[tuple[str, str]] = field(default_factory=list)  # (source, title), best first
    h1: str | None = None
    dates: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # JSON-LD Person authors
    organisations: list[str] = field(default_factory=list)  # JSON-LD Organization authors
    meta_authors: list[str] = field(default_factory=list)
    site_names: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    date_candidates: list[DateCandidate] = field(default_factory=list)  # every stated date, labelled


def _text(value: str) -> str:
    return _SPACE.sub(" ", htmllib.unescape(_TAG.sub(" ", value[:MAX_VALUE * 3]))).strip()[:MAX_VALUE]


def _attrs(inner: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(inner):
        out.setdefault(match[1].lower(), match[2] if match[2] is not None else match[3] if match[3] is not None else match[4])
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _objects(data: Any, depth: int = 0) -> list[dict[str, Any]]:
    if depth > 4:
        return []
    if isinstance(data, list):
        return [o for item in data[:200] for o in _objects(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    out = [data]
    if "@graph" in data:
        out.extend(_objects(data["@graph"], depth + 1))
    main = data.get("mainEntity") or data.get("mainEntityOfPage")
    if isinstance(main, dict) and _types(main) & ARTICLE_TYPES:
        out.extend(_objects(main, depth + 1))
    return out


def _names(value: Any, nodes: dict[str, dict[str, Any]] | None = None) -> list[tuple[str, bool]]:
    """(name, is_person) of a JSON-LD author value; a reference ``{"@id": …}`` is looked up in ``nodes``."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items[:50]:
        if isinstance(item, str) and item.strip():
            out.append((_text(item), True))
        elif isinstance(item, dict):
            if "name" not in item and nodes and isinstance(item.get("@id"), str):
                item = nodes.get(item["@id"], item)
            name = item.get("name")
            if isinstance(name, list):
                name = " ".join(n for n in name if isinstance(n, str))
            if isinstance(name, str) and name.strip():
                out.append((_text(name), not (_types(item) - {"person"})))
    return out


def _jsonld(page: str, meta: PageMeta) -> None:
    pos = 0
    blocks = 0
    articles: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    while blocks < MAX_BLOCKS:
        found = page.find("application/ld+json", pos)
        if found < 0:
            break
        start = page.find(">", found)
        end = page.find("</script", start)
        if start < 0 or end < 0:
            break
        pos = end
        blocks += 1
        body = page[start + 1:end]
        for obj in _objects(parse_block(body, MAX_JSONLD)):
            (articles if _types(obj) & ARTICLE_TYPES else others).append(obj)
    nodes = {obj["@id"]: obj for obj in others if isinstance(obj.get("@id"), str) and "name" in obj}
    for obj in articles:
        headline = obj.get("headline") or obj.get("name")
        if isinstance(headline, str) and headline.strip():
            meta.titles.append(("ld", _text(headline)))
        published = obj.get("datePublished") or obj.get("dateCreated")
        if isinstance(published, str):
            meta.dates.append(published.strip()[:200])
        meta.date_candidates.extend(jsonld_candidates(obj))
        for name, person in _names(obj.get("author"), nodes) + _names(obj.get("creator"), nodes):
            (meta.people if person else meta.organisations).append(name)
        publisher = obj.get("publisher")
        for name, _ in _names(publisher, nodes) if publisher else []:
            meta.site_names.append(name)
        url = obj.get("url")
        if isinstance(url, str):
            meta.urls.append(url.strip())
    for obj in others:
        if _types(obj) & {"newsmediaorganization", "organization"} and isinstance(obj.get("name"), str):
            meta.site_names.append(_text(obj["name"]))
        if _types(obj) & {"website"} and isinstance(obj.get("name"), str):
            meta.site_names.append(_text(obj["name"]))


def _headline_openings(page: str) -> Iterator[re.Match[str]]:
    """What ``_ITEMPROP_HEADLINE.finditer(page)`` yields, found from the page's ``itemprop`` attributes: a match
    holds no ``<`` or ``>`` before its end, so the only ``<`` it can start at is the last one before the
    attribute. The attributes are found in the page's UTF-8 bytes, lower-cased as ASCII (both run at memory
    speed, where ``str.lower`` of a long non-ASCII page and the pattern tried at every ``<a``, ``<p`` and
    ``<span`` do not); a page holding a dotted or dotless capital/small i (which ``re.IGNORECASE`` also takes
    for an ``i``) is searched with the pattern itself."""
    if "\u0130" in page or "\u0131" in page:
        yield from _ITEMPROP_HEADLINE.finditer(page)
        return
    data = page.encode("utf-8", "surrogatepass")
    lower = data.lower()
    last = -1
    char_at = byte_at = 0  # the character offset of byte offset byte_at
    found = lower.find(b"itemprop")
    while found >= 0:
        char_at += len(data[byte_at:found].decode("utf-8", "surrogatepass"))
        byte_at = found
        if _HEADLINE_ATTR.match(page, char_at) is not None:
            start = page.rfind("<", max(0, char_at - _TAG_REACH), char_at)
            if start > last:  # a tag opens near, and was not tried yet (for a second attribute in it)
                last = start
                opening = _ITEMPROP_HEADLINE.match(page, start)
                if opening is not None:
                    yield opening
        found = lower.find(b"itemprop", found + 1)


def page_meta(page: str) -> PageMeta:
    """Candidates for title, date, authors, site name and URL stated by the page itself."""
    meta = PageMeta()
    _jsonld(page, meta)
    tags: dict[str, list[str]] = {}
    for match in _META.finditer(page):
        attrs = _attrs(match[1])
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content")
        if key and content and content.strip():
            tags.setdefault(key, []).append(_text(content))
    for key in DATE_KEYS:
        meta.dates.extend(tags.get(key, []))
    meta.date_candidates.extend(meta_candidates(tags))
    meta.date_candidates.extend(element_candidates(page))
    for key in (*AUTHOR_KEYS, *(k for k in tags if k not in AUTHOR_KEYS and "twitter" not in k and _OTHER_AUTHOR_KEY.search(k))):
        meta.meta_authors.extend(a for a in tags.get(key, []) if "://" not in a)
    for key in SITE_KEYS:
        meta.site_names.extend(tags.get(key, []))
    for key in TITLE_KEYS:
        meta.titles.extend((key, t) for t in tags.get(key, []))
    for opening in islice(_headline_openings(page), 5):
        close = _CLOSE[opening[1].lower()].search(page, opening.end(), opening.end() + 3000)
        headline = _text(page[opening.end():close.start()]) if close is not None else ""
        if headline:
            meta.titles.append(("microdata", headline))
            break
    title = _TITLE.search(page)
    if title is not None and title[1].strip():
        meta.titles.append(("title", _text(title[1])))
    h1 = _H1.search(page)
    if h1 is not None:
        meta.h1 = _text(h1[1]) or None
    for match in _LINK.finditer(page):
        attrs = _attrs(match[1])
        if attrs.get("rel", "").lower() == "canonical" and attrs.get("href"):
            meta.urls.insert(0, htmllib.unescape(attrs["href"].strip()))
    meta.urls.extend(tags.get("og:url", []))
    return meta
