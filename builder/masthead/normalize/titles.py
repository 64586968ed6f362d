"""Headlines: the best candidate, without the " - Outlet" or " | Site" a page appends."""

from __future__ import annotations

import re
from collections.abc import Callable

from masthead.normalize.page_meta import PageMeta

MAX_TITLE = 2000

_SEPARATED = re.compile(r"^(?P<head>.{8,2000}?)\s{1,3}(?:[|–—·•»]|-{1,2})\s{1,3}(?P<tail>[^|–—·•»]{2,80})$")
_SPACE = re.compile(r"\s+")


def clean_title(title: str, is_site: Callable[[str], bool]) -> str:
    """Whitespace collapsed; trailing site names stripped while ``is_site`` recognises them."""
    text = _SPACE.sub(" ", title[: MAX_TITLE * 2]).strip()
    for _ in range(3):
        match = _SEPARATED.match(text)
        if match is None or not is_site(match["tail"].strip()):
            break
        text = match["head"].strip()
    return text[:MAX_TITLE]


# A live blog's standing title ("Election LIVE: …", "LIVE: …", "… – live", "Live updates: …"): a status label for
# while the page is updating, not part of the article's headline.
_LIVE = re.compile(
    r"(?:^|\s)(?:LIVE|Live)(?:\s+(?:UPDATES?|[Uu]pdates?|BLOG|[Bb]log))?\s?[:|]|^LIVE\b|\s[-–—]\s[Ll]ive(?:\s+updates?)?$"
)
_NON_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """What two statements of one headline share: words, case-folded; punctuation and quote styles ignored."""
    return " ".join(_NON_WORD.sub(" ", title.casefold()).split())


def is_live_label(title: str) -> bool:
    """Whether a title carries a live-blog label."""
    return _LIVE.search(title) is not None


def preferred_title(page: PageMeta, is_site: Callable[[str], bool]) -> str | None:
    """The page's headline where its statements overrule the usual order (JSON-LD, og:title, …), else None.

    Two rules, each needing the page to contradict its first candidate with another statement:
    - the JSON-LD ``headline`` gives way when the Open Graph title and the microdata headline on the
      visible text agree with each other against it (two explicit statements against one; a JSON-LD
      headline is often the search-engine variant of the headline the reader sees);
    - a title carrying a live-blog label gives way to the first metadata title without one.
    """
    first: dict[str, str] = {}
    for source, text in page.titles:
        cleaned = clean_title(text, is_site) if text.strip() else ""
        if cleaned:
            first.setdefault(source, cleaned)
    ld, visible = first.get("ld"), first.get("microdata")
    social = first.get("og:title") or first.get("twitter:title")
    if ld and visible and social and title_key(visible) == title_key(social) != title_key(ld):
        return visible
    h1 = clean_title(page.h1, is_site) if page.h1 else ""
    usual = [first.get(key) for key in ("ld", "og:title", "headline")] + [h1] + list(first.values())
    default = next((t for t in usual if t), None)
    if default is not None and is_live_label(default):
        return next((t for source, t in first.items() if source != "microdata" and not is_live_label(t)), None)
    return None
