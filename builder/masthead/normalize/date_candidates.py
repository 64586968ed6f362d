"""Date candidates a page states about itself, each labelled with its source and what it claims to be.

A candidate is a raw value plus ``source`` (where on the page it was found, e.g.
``ld:datePublished``, ``meta:article:modified_time``, ``time:datePublished``) and ``kind``:
``published`` (the page says this is when it was published or created), ``modified``
(updated / last modified: never a publication date), ``visible`` (a date shown on the page
without saying which one it is: a ``<time>`` element). A ``<time>`` whose class says ``published``
(hAtom, microformats2, WordPress themes) is a published one even when it also says ``updated``. The
``<time>`` elements come nearest the first ``<h1>`` first: the article's dateline sits by its
headline. Reading the values and choosing among them is :mod:`masthead.normalize.publication_date`'s job.

The scan is bounded like :mod:`masthead.normalize.page_meta`: fixed repetition limits, at
most ``MAX_TIMES`` ``<time>`` elements and ``MAX_ITEMPROPS`` microdata dates, values cut to
``MAX_VALUE`` characters.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

PUBLISHED, MODIFIED, VISIBLE = "published", "modified", "visible"
MAX_TIMES = 20
MAX_ITEMPROPS = 10
MAX_VALUE = 200

# <meta> keys (property, name or itemprop; lower case) by what they claim, best known first.
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "published_time",
    "og:published_time", "article:published", "parsely-pub-date", "sailthru.date", "publish-date",
    "publishdate", "publish_date", "pubdate", "article.published", "publication_date", "date.published",
    "dc.date.issued", "dcterms.issued", "dcterms.created", "dc.date.created", "datecreated",
    "citation_publication_date", "cxenseparse:recs:publishtime", "originalpublicationdate",
    "article_date_original", "dc.date", "dcterms.date", "date", "pdate", "displaydate",
)
MODIFIED_KEYS = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "article:updated_time",
    "datemodified", "modified_time", "dateupdated", "last-modified", "lastmod", "dc.date.modified",
    "dcterms.modified", "article.updated", "sailthru.lastmodified", "revised", "updated_time",
)
_LD_KINDS = {"datepublished": PUBLISHED, "datecreated": PUBLISHED, "datemodified": MODIFIED}
_LD_NAMES = {"datepublished": "datePublished", "datecreated": "dateCreated", "datemodified": "dateModified"}

_TIME = re.compile(r"<time\b([^<>]{0,1000})>([^<]{0,200})", re.IGNORECASE)
# The attribute name in lower case, as HTML writes it (a case-sensitive literal keeps the scan fast); any value case.
_ITEMPROP = re.compile(r"itemprop\s{0,3}=\s{0,3}[\"']?(?i:date(?:published|created|modified))\b")
_TAG_NAME = re.compile(r"<([a-z][a-z0-9]{0,10})\b", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]{1,60})\s{0,3}=\s{0,3}(?:"([^"]{0,1000})"|'([^']{0,1000})'|([^\s"'>]{1,200}))""")
_PUBDATE = re.compile(r"pubdate", re.IGNORECASE)
# hAtom's and microformats2's publication class ("published", "dt-published"), as WordPress themes write it
# ("entry-date published", "entry-date published updated" on a post never updated), and "publish-date" alike.
_PUBLISHED_CLASS = re.compile(r"publish", re.IGNORECASE)
_MODIFIED_CLASS = re.compile(r"updat|modif|revis|edited", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class DateCandidate:
    """One date a source proposes: ``source`` says where it was found, ``kind`` what it claims to be."""

    source: str
    kind: str
    value: str


def _clean(value: str) -> str:
    return _SPACE.sub(" ", htmllib.unescape(value[: MAX_VALUE * 2])).strip()[:MAX_VALUE]


def _attrs(inner: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(inner):
        value = match[2] if match[2] is not None else match[3] if match[3] is not None else match[4]
        out.setdefault(match[1].lower(), value)
    return out


def jsonld_candidates(obj: dict[str, object]) -> list[DateCandidate]:
    """The dates of one JSON-LD article object (datePublished, dateCreated, dateModified)."""
    out: list[DateCandidate] = []
    for key, value in obj.items():
        kind = _LD_KINDS.get(key.lower()) if isinstance(key, str) else None
        if kind is not None and isinstance(value, str) and value.strip():
            out.append(DateCandidate(f"ld:{_LD_NAMES[key.lower()]}", kind, _clean(value)))
    return out


def meta_candidates(tags: dict[str, list[str]]) -> list[DateCandidate]:
    """Published and modified dates of the page's ``<meta>`` tags (keys lower case)."""
    out: list[DateCandidate] = []
    for keys, kind in ((PUBLISHED_KEYS, PUBLISHED), (MODIFIED_KEYS, MODIFIED)):
        for key in keys:
            out.extend(DateCandidate(f"meta:{key}", kind, _clean(v)) for v in tags.get(key, ()))
    return out


def _nearest_the_headline(page: str, times: list[re.Match[str]]) -> list[re.Match[str]]:
    """``<time>`` elements nearest the first ``<h1>`` first: an article's dateline sits just above or below its
    headline, while the dates of a sidebar, a menu or a list of other posts may come before it in the page."""
    if len(times) < 2:
        return times
    lower = page.find("<h1")  # the first of "<h1" and "<H1": the second is looked for only before the first
    upper = page.find("<H1", 0, lower if lower >= 0 else len(page))
    headline = upper if upper >= 0 else lower
    if headline < 0:
        return times
    return sorted(times, key=lambda match: abs(match.start() - headline))


def _itemprop_dates(page: str) -> Iterator[re.Match[str]]:
    """What ``_ITEMPROP.finditer(page)`` yields: a match starts with the literal ``itemprop`` (and holds no other),
    so the pattern is matched at each ``itemprop`` ``str.find`` finds, which on a long non-ASCII page is twice as
    fast as the pattern's own scan."""
    pos = page.find("itemprop")
    while pos >= 0:
        match = _ITEMPROP.match(page, pos)
        if match is not None:
            yield match
        pos = page.find("itemprop", pos + 1)


def element_candidates(page: str) -> list[DateCandidate]:
    """``<time>`` elements and microdata dates on other elements (``<span itemprop="datePublished" content=…>``,
    hAtom's ``<abbr itemprop="datePublished" title=…>`` as Blogger writes it)."""
    out: list[DateCandidate] = []
    for match in _nearest_the_headline(page, list(islice(_TIME.finditer(page), MAX_TIMES))):
        attrs = _attrs(match[1])
        value = attrs.get("datetime") or match[2]
        if not value or not value.strip():
            continue
        itemprop = attrs.get("itemprop", "").lower()
        if itemprop in _LD_KINDS:
            out.append(DateCandidate(f"time:{itemprop}", _LD_KINDS[itemprop], _clean(value)))
        elif _PUBDATE.search(match[1]):  # <time pubdate> (HTML5 draft) or class="pubdate"
            out.append(DateCandidate("time:pubdate", PUBLISHED, _clean(value)))
        elif _PUBLISHED_CLASS.search(attrs.get("class", "")):  # before "updated": WordPress's "published updated"
            out.append(DateCandidate("time:published", PUBLISHED, _clean(value)))
        elif _MODIFIED_CLASS.search(attrs.get("class", "")):
            out.append(DateCandidate("time:updated", MODIFIED, _clean(value)))
        else:
            out.append(DateCandidate("time", VISIBLE, _clean(value)))
    for match in islice(_itemprop_dates(page), MAX_ITEMPROPS):
        start = page.rfind("<", max(0, match.start() - 1000), match.start())
        end = page.find(">", match.end(), match.end() + 1000)
        tag = _TAG_NAME.match(page, start) if start >= 0 and end >= 0 else None
        if tag is None or tag[1].lower() in ("meta", "time"):  # read with the <meta> tags / <time> elements
            continue
        attrs = _attrs(page[tag.end():end])
        itemprop = attrs.get("itemprop", "").lower()
        value = attrs.get("content") or attrs.get("datetime") or (attrs.get("title") if tag[1].lower() == "abbr" else None)
        if itemprop in _LD_KINDS and value and value.strip():
            out.append(DateCandidate(f"microdata:{itemprop}", _LD_KINDS[itemprop], _clean(value)))
    return out
