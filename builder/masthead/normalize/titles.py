"""Headlines: the best candidate, without the " - Outlet" or " | Site" a page appends."""

from __future__ import annotations

import re
from collections.abc import Callable

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
