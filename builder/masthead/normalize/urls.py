"""URLs: validity, and the publication date many news sites write into the path."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from masthead.normalize.dates import DAY, MONTH, MONTHS, ParsedDate
from masthead.pipeline.ids import canonical_url

MAX_URL = 4096

_YMD = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?=[/_.-]|$)")
_YMONTHD = re.compile(r"/((?:19|20)\d{2})/([a-z]{3,9})/(\d{1,2})(?=/|$)", re.IGNORECASE)
_YM = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})(?=/)")
_COMPACT = re.compile(r"[/-]((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)")


def clean_url(value: object) -> str | None:
    """The URL as given (trimmed) when it is an http(s) URL with a host, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_URL or len(text.split(None, 1)) > 1:  # empty, too long, or holds whitespace
        return None
    return text if canonical_url(text) else None


def date_from_url(url: str) -> ParsedDate | None:
    """``/2018/07/14/``, ``/2023/apr/28/``, ``/2024-04-30/``, ``-20260701-`` or ``/2018/07/`` in the path."""
    try:
        path = urlsplit(url).path[:1000]
    except ValueError:
        return None
    for pattern in (_YMD, _YMONTHD, _COMPACT):
        match = pattern.search(path)
        if match is None:
            continue
        month_text = match[2]
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
        if month is None:
            continue
        try:
            return ParsedDate(dt.date(int(match[1]), month, int(match[3])), DAY)
        except ValueError:
            continue
    match = _YM.search(path)
    if match is not None and 1 <= int(match[2]) <= 12:
        return ParsedDate(dt.date(int(match[1]), int(match[2]), 1), MONTH)
    return None
