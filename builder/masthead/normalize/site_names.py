"""The name a page gives its own site, for outlets the registry does not know.

Candidates are what the page states (JSON-LD ``publisher``/``Organization``/``WebSite`` names,
``og:site_name``, ``application-name``) with two kinds left out: the name of the software that
made the page (``<meta name="generator">``: "Blogger" is the platform, not the outlet) and names
that are URLs (a host is kept instead). A page that states none may still carry its name on its
``<title>`` ("Headline | Börsen-Zeitung"): a title's tail counts when another title of the page
is the same headline without it, or when it matches the domain; a page whose stated names do
not match its domain also gets the title's tails that do ("STZ" stated, the title ending
"| stuttgarter-zeitung.de"). Among several names, the one matching the domain wins (compared
without spaces, hyphens or diacritics, umlauts also as "ae"/"oe"/"ue"), else the most frequent.

A registered outlet found by name is also checked against the page's host: a name that the
registry gives to an outlet of another country than the host's country-code domain is another
outlet sharing the name ("NTV" on ``ntv.com.tr`` is not the Russian NTV).
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter

from masthead.normalize.outlets import Outlet, compact_key, domain_label, host_of, loose_keys
from masthead.normalize.page_meta import PageMeta

MAX_SITE_NAME = 80
MAX_SITE_WORDS = 6
MIN_LABEL_MATCH = 4  # a shorter domain label or name is not compared by containment
MIN_SPELLED_LABEL = 6
MAX_SPELLINGS = 200
MAX_TRIES = 20_000

_GENERATOR = re.compile(r"""<meta\b[^<>]{0,500}?\bname\s{0,3}=\s{0,3}["']?generator\b[^<>]{0,500}>""", re.IGNORECASE)
_CONTENT = re.compile(r"""\bcontent\s{0,3}=\s{0,3}(?:"([^"]{0,200})"|'([^']{0,200})')""", re.IGNORECASE)
_URLISH = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
_TITLE_SEPARATOR = re.compile(r"\s(?:\||-|–|—|::|·|»|›)\s")
# Country-code domains that are sold as generic ones (.tv, .io, .co…): they say nothing of a country.
_GENERIC_CCTLDS = frozenset(["co", "io", "tv", "me", "fm", "ai", "ly", "cc", "ws", "gg", "to", "am", "la", "eu", "so"])


def generator(page: str) -> str | None:
    """The content of the page's ``<meta name="generator">`` (looked for in its ``<head>``), if any."""
    head_end = page.find("</head")
    found = _GENERATOR.search(page, 0, head_end if head_end >= 0 else len(page))
    content = _CONTENT.search(found[0]) if found else None
    if content is None:
        return None
    return htmllib.unescape(content[1] if content[1] is not None else content[2]).strip() or None


def _is_platform(name: str, made_by: str | None) -> bool:
    if not made_by:
        return False
    key = compact_key(name)
    words = made_by.split()
    return bool(key) and bool(words) and key in (compact_key(words[0]), compact_key(made_by))


def stated_site_names(page: PageMeta, html: str | None) -> list[str]:
    """The site names the page states, platforms left out and URLs turned into their host."""
    made_by = generator(html) if html else None
    out = []
    for name in page.site_names:
        name = name.strip()
        if _URLISH.match(name):
            name = host_of(name) or ""
        if name and len(name) <= MAX_SITE_NAME and len(name.split()) <= MAX_SITE_WORDS and not _is_platform(name, made_by):
            out.append(name)
    return out


def matches_domain(name: str, label: str) -> bool:
    """The name and the domain label are the same words, or one holds the other (``label`` as ``domain_label``)."""
    labels = loose_keys(label.replace("-", ""))
    for key in loose_keys(name):
        for other in labels:
            if key == other or (min(len(key), len(other)) >= MIN_LABEL_MATCH and (key in other or other in key)):
                return True
    return False


def title_site_names(page: PageMeta, label: str) -> list[str]:
    """Tails of the page's titles that name the site (see the module)."""
    heads = {compact_key(title) for source, title in page.titles if source != "title"}
    if page.h1:
        heads.add(compact_key(page.h1))
    out = []
    for _, title in page.titles:
        parts = _TITLE_SEPARATOR.split(title)
        if len(parts) < 2:
            continue
        tail = parts[-1].strip()
        head = title[: len(title) - len(parts[-1])].rstrip(" |-–—:·»›")
        if not tail or len(tail) > MAX_SITE_NAME or len(tail.split()) > MAX_SITE_WORDS:
            continue
        if compact_key(head) in heads or (label and matches_domain(tail, label)):
            out.append(tail)
    return out


def with_title_sites(stated: list[str], page: PageMeta, label: str) -> list[str]:
    """The stated site names, with the site names of the page's titles added where they help: all of them when
    the page states none, else those naming the domain when no stated name does ("STZ" stated, the title ending
    "| stuttgarter-zeitung.de": a short form gives way to the name the site is reached by)."""
    if not stated:
        return title_site_names(page, label)
    if not label or any(matches_domain(name, label) for name in stated):
        return stated
    return [*stated, *(tail for tail in title_site_names(page, label) if matches_domain(tail, label))]


def spelled_label(page: str, label: str) -> str | None:
    """The domain label as the page writes it in words ("Kleine Zeitung" for ``kleinezeitung``): the most
    frequent spelling with a space or hyphen inside and each word capitalised (one not all in capitals first), among the
    first ``MAX_SPELLINGS``.
    Looked up in the page in lower case, from where its first two letters occur (``str.find`` is fast)."""
    letters = label.replace("-", "")
    lower = page.lower()
    if (not MIN_SPELLED_LABEL <= len(letters) <= MAX_SITE_NAME or not letters.isascii() or not letters.isalnum()
            or len(lower) != len(page)):
        return None
    letters = letters.lower()
    pattern = re.compile(r"(?<![\w.\-/@])" + r"[ \-]?".join(map(re.escape, letters)) + r"(?![\w.\-/@])")
    spellings: Counter[str] = Counter()
    pos = lower.find(letters[:2])
    tries = 0
    while pos >= 0 and tries < MAX_TRIES and sum(spellings.values()) < MAX_SPELLINGS:
        tries += 1
        found = pattern.match(lower, pos)
        if found is not None:
            written = page[found.start():found.end()]
            if (" " in written or "-" in written) and all(w[:1].isupper() for w in re.split(r"[ \-]", written)):
                spellings[written] += 1
        pos = lower.find(letters[:2], pos + 1)
    if not spellings:
        return None
    return max(spellings, key=lambda written: (not written.isupper(), spellings[written]))  # "Kleine Zeitung" over "KLEINE ZEITUNG"


def unregistered_site(names: list[str], url: str | None, page: str | None = None) -> str | None:
    """The page's own site name; with several, the one that matches the domain, else the most frequent.
    A bare host ("kleinezeitung.at", as the page writes it: lower case) gives way to the domain label spelled in
    words on the page, if it is."""
    if not names:
        return None
    host = host_of(url) if url else None
    label = domain_label(host) if host else ""
    counts = Counter(names)
    chosen = next((name for name in names if label and matches_domain(name, label)), None)
    if chosen is None:
        chosen = max(names, key=lambda n: counts[n])  # the name the page states most often, first on ties
    if page is not None and label and chosen.islower() and host_of(chosen) == host:
        return spelled_label(page, label) or chosen
    return chosen


def agrees_with_host(outlet: Outlet, url: str | None) -> bool:
    """False when the outlet's country is not the one the host's country-code domain names."""
    host = host_of(url) if url else None
    tld = host.rsplit(".", 1)[-1] if host else ""
    if not outlet.country or len(tld) != 2 or tld in _GENERIC_CCTLDS:
        return True
    return outlet.country == ("GB" if tld == "uk" else tld.upper())
