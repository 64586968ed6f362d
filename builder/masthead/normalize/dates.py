"""Dates in the forms collectors and pages write them, parsed without guessing.

Hand-written parsers cover ISO 8601 / RFC 3339, RFC 2822 and the common English (and
German, French, Spanish month-name) forms; ``dateutil`` is only a cached fallback, used
when the text names a four-digit year. Time-zone abbreviations are resolved for the date
they belong to (ET in July is UTC−4) through a small abbreviation → IANA zone table.
Ambiguous numeric dates (03/04/2018) follow the corpus's ``date_order`` or stay unread;
relative phrases ("2 hours ago") become dates only against a crawl time. Every regex is
bounded and inputs are cut to ``MAX_CHARS``.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from masthead.normalize.time_zones import zone_of

MAX_CHARS = 120
DAY, MONTH, YEAR = "day", "month", "year"
UTC = dt.timezone.utc


@dataclass(frozen=True)
class ParsedDate:
    """A date as its source states it; ``moment`` is the UTC instant when a time and zone are known,
    ``offset`` the UTC offset the source wrote it in (``date`` is the day in that offset)."""

    date: dt.date
    precision: str
    moment: dt.datetime | None = None
    offset: dt.timedelta | None = None

    @property
    def published_at(self) -> str | None:
        return self.moment.strftime("%Y-%m-%dT%H:%M:%SZ") if self.moment is not None else None


@dataclass(frozen=True)
class Unparsed:
    """Why a value could not be read as a date (goes into the build report)."""

    reason: str


MONTHS = {
    **dict.fromkeys(("jan", "january", "januar", "janvier", "enero", "jän", "janv"), 1),
    **dict.fromkeys(("feb", "february", "februar", "février", "fevrier", "febrero", "févr", "fev"), 2),
    **dict.fromkeys(("mar", "march", "märz", "maerz", "mars", "marzo", "mär"), 3),
    **dict.fromkeys(("apr", "april", "avril", "abril", "avr"), 4),
    **dict.fromkeys(("may", "mai", "mayo"), 5),
    **dict.fromkeys(("jun", "june", "juni", "juin", "junio"), 6),
    **dict.fromkeys(("jul", "july", "juli", "juillet", "julio", "juil"), 7),
    **dict.fromkeys(("aug", "august", "août", "aout", "agosto"), 8),
    **dict.fromkeys(("sep", "sept", "september", "septembre", "septiembre", "setiembre"), 9),
    **dict.fromkeys(("oct", "october", "oktober", "octobre", "octubre", "okt"), 10),
    **dict.fromkeys(("nov", "november", "novembre", "noviembre"), 11),
    **dict.fromkeys(("dec", "december", "dezember", "décembre", "decembre", "diciembre", "dez", "déc"), 12),
}

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]{1,2}(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?"
    r"\s{0,3}(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?"
)
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")
_NUMERIC = re.compile(r"(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})\b")
_MONTH_WORD = r"([^\W\d_]{3,10})\.?"
_DAY_WORD = r"(\d{1,2})(?:st|nd|rd|th|er|\.)?"
_MDY = re.compile(_MONTH_WORD + r"\s{1,3}" + _DAY_WORD + r",?\s{1,3}(\d{4})\b")
_DMY = re.compile(r"\b" + _DAY_WORD + r"\s{0,3}(?:de\s{1,3}|of\s{1,3})?" + _MONTH_WORD + r",?\s{1,3}(?:de\s{1,3})?(\d{4})\b")
_MY = re.compile(r"\b" + _MONTH_WORD + r",?\s{1,3}(\d{4})\b")
_TIME = re.compile(
    r"\b(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s{0,2}([ap])\.?\s?m\.?(?![a-z])|\b(\d{1,2})[:h](\d{2})(?::(\d{2}))?\b",
    re.IGNORECASE,
)
_ZONE = re.compile(r"\s{0,3}\(?\b(?:(UTC|GMT)\s{0,2}([+-]\d{1,2}(?::?\d{2})?)|([A-Z]{1,5})\b)\)?|\s{0,3}([+-]\d{2}:?\d{2})\b")
_FILLER = re.compile(
    r"\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b\.?|"
    r"\b(?:published|updated|posted|first|last|modified|on|at|am|le|el|um|uhr|the|time|local)\b|[\s,.|:;/()\-–—]+",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(?:(\d{1,3}|an?|one)\s{1,3}(second|sec|minute|min|hour|hr|day)s?\s{1,3}ago|yesterday|today|just now)\b",
    re.IGNORECASE,
)
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _finish(year: int, month: int, day: int | None, clock: tuple[int, int, int] | None,
            zone: dt.tzinfo | None) -> ParsedDate | Unparsed:
    try:
        date = dt.date(year, month, day or 1)
    except ValueError:
        return Unparsed(f"{year:04d}-{month:02d}-{day or 1:02d} is not a calendar date")
    if day is None:
        return ParsedDate(date, MONTH)
    if clock is not None and zone is not None:
        hour, minute, second = clock
        if hour > 23 or minute > 59 or second > 59:
            return Unparsed("the time of day is out of range")
        local = dt.datetime(year, month, day, hour, minute, second, tzinfo=zone)
        return ParsedDate(date, DAY, local.astimezone(UTC), local.utcoffset())
    return ParsedDate(date, DAY)


def _iso(match: re.Match[str]) -> ParsedDate | Unparsed:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    clock = (int(match[4]), int(match[5]), int(match[6] or 0)) if match[4] else None
    zone_text = match[7]
    zone = None
    if zone_text:
        zone = zone_of(None, zone_text) if zone_text[0] in "+-" else zone_of(zone_text, None)
    return _finish(year, month, day, clock, zone)


def _year_of(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        return 1900 + value if value >= 69 else 2000 + value
    return value


def _numeric(match: re.Match[str], date_order: str | None) -> tuple[int, int, int] | Unparsed:
    first, second, last = match[1], match[3], match[4]
    if len(first) == 4:  # 2018/07/14
        return int(first), int(second), int(last)
    if len(first) == 3 or len(last) == 3:
        return Unparsed("not a date")
    a, b, year = int(first), int(second), _year_of(last)
    if a == b or (a > 12 and b <= 12):
        return year, b, a
    if b > 12 and a <= 12:
        return year, a, b
    if a > 12 and b > 12:
        return Unparsed("neither number can be a month")
    if date_order == "DMY":
        return year, b, a
    if date_order == "MDY":
        return year, a, b
    return Unparsed(f"{match[0]!r} is ambiguous (day/month or month/day); set date_order in [tool.masthead]")


def _clock(text: str) -> tuple[tuple[int, int, int] | None, dt.tzinfo | None, str]:
    """The time of day and zone in ``text`` (after the date), and the text without them."""
    match = _TIME.search(text)
    if match is None:
        return None, None, text
    if match[4]:
        hour = int(match[1]) % 12 + (12 if match[4].lower() == "p" else 0)
        clock = (hour, int(match[2] or 0), int(match[3] or 0))
    else:
        clock = (int(match[5]), int(match[6]), int(match[7] or 0))
    rest = text[match.end():]
    zone = None
    zone_match = _ZONE.match(rest)
    if zone_match is not None:
        if zone_match[1]:
            zone = zone_of(None, zone_match[2]) if zone_match[2] else zone_of(zone_match[1], None)
        elif zone_match[3]:
            zone = zone_of(zone_match[3], None)
        else:
            zone = zone_of(None, zone_match[4])
        if zone is not None or zone_match[4]:
            rest = rest[zone_match.end():]
    return clock, zone, text[: match.start()] + " " + rest


def _leftover(text: str) -> bool:
    return bool(_FILLER.sub("", text).strip())


def _words(text: str, date_order: str | None) -> ParsedDate | Unparsed | None:
    """Month-name and numeric dates inside a short phrase, with an optional time and zone."""
    for pattern, order in ((_MDY, "mdy"), (_DMY, "dmy")):
        for match in pattern.finditer(text):
            word = match[1] if order == "mdy" else match[2]
            month = MONTHS.get(word.casefold())
            if month is None:
                continue
            day = int(match[2] if order == "mdy" else match[1])
            rest = text[: match.start()] + " " + text[match.end():]
            clock, zone, rest = _clock(rest)
            if _leftover(rest):
                return None
            return _finish(int(match[3]), month, day, clock, zone)
    numeric = _NUMERIC.search(text)
    if numeric is not None:
        parts = _numeric(numeric, date_order)
        if isinstance(parts, Unparsed):
            return parts
        clock, zone, rest = _clock(text[: numeric.start()] + " " + text[numeric.end():])
        if _leftover(rest):
            return None
        return _finish(parts[0], parts[1], parts[2], clock, zone)
    for match in _MY.finditer(text):
        month = MONTHS.get(match[1].casefold())
        if month is not None and not _leftover(text[: match.start()] + " " + text[match.end():]):
            return _finish(int(match[2]), month, None, None, None)
    return None


def _relative(match: re.Match[str], anchor: dt.datetime | None) -> ParsedDate | Unparsed:
    if anchor is None:
        return Unparsed(f"relative date {match[0]!r} without a crawl time (crawled_at) to anchor it")
    phrase = match[0].lower()
    if phrase in ("today", "just now"):
        delta = dt.timedelta()
    elif phrase == "yesterday":
        delta = dt.timedelta(days=1)
    else:
        count = 1 if match[1].lower() in ("a", "an", "one") else int(match[1])
        unit = match[2].lower()
        seconds = {"sec": 1, "second": 1, "min": 60, "minute": 60, "hr": 3600, "hour": 3600, "day": 86400}[unit]
        delta = dt.timedelta(seconds=count * seconds)
    return ParsedDate((anchor - delta).date(), DAY)


def _fallback(text: str) -> ParsedDate | Unparsed:
    """dateutil, only for text naming a four-digit year; missing parts detected, not filled."""
    if not _FOUR_DIGITS.search(text):
        return Unparsed("no year in the value")
    from dateutil import parser as du  # type: ignore[import-untyped]

    defaults = (dt.datetime(1, 1, 1), dt.datetime(2, 2, 2))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first, second = (du.parse(text, default=d, fuzzy=False) for d in defaults)
    except (ValueError, OverflowError, TypeError):
        return Unparsed("cannot be read as a date")
    if first.year != second.year:
        return Unparsed("no year in the value")
    if first.month != second.month:
        return ParsedDate(dt.date(first.year, 1, 1), YEAR)
    if first.day != second.day:
        return ParsedDate(dt.date(first.year, first.month, 1), MONTH)
    zone = first.tzinfo
    clock = None if first.hour != second.hour else (first.hour, first.minute, first.second)
    return _finish(first.year, first.month, first.day, clock, zone)


@lru_cache(maxsize=8192)
def _parse(text: str, date_order: str | None, anchor: dt.datetime | None) -> ParsedDate | Unparsed:
    match = _ISO.fullmatch(text)
    if match is not None:
        return _iso(match)
    relative = _RELATIVE.search(text)
    if relative is not None:
        return _relative(relative, anchor)
    if _YEAR_MONTH.fullmatch(text):
        return _finish(int(text[:4]), int(text[5:7]), None, None, None)
    if _YEAR.fullmatch(text):
        return ParsedDate(dt.date(int(text), 1, 1), YEAR)
    match = _ISO.match(text)  # an ISO date followed by words ("2018-07-14 (updated)")
    if match is not None and not _leftover(text[match.end():]):
        return _iso(match)
    found = _words(text, date_order)
    if found is not None:
        return found
    return _fallback(text)


def parse_date(value: str, date_order: str | None = None, anchor: dt.datetime | None = None) -> ParsedDate | Unparsed:
    """Read one date value; never raises, never guesses."""
    text = " ".join(value.split())
    if not text:
        return Unparsed("the value is empty")
    if len(text) > MAX_CHARS:
        return Unparsed(f"the value is {len(text)} characters long, too long for a date")
    if not any(ch.isdigit() for ch in text) and not _RELATIVE.search(text):
        return Unparsed("the value holds no digits")
    return _parse(text, date_order, anchor)


def anchor_of(value: object) -> dt.datetime | None:
    """The crawl time as an aware datetime (UTC when no zone is given), or None."""
    if not isinstance(value, str):
        return None
    parsed = parse_date(value)
    if isinstance(parsed, Unparsed) or parsed.precision != DAY:
        return None
    if parsed.moment is not None:
        return parsed.moment
    return dt.datetime(parsed.date.year, parsed.date.month, parsed.date.day, 12, tzinfo=UTC)


def implausible(parsed: ParsedDate, build_date: dt.date) -> str | None:
    """Why a date cannot be a publication date of this build, or None."""
    if parsed.date.year < 1800:
        return "before 1800"
    if parsed.date > build_date + dt.timedelta(days=1):
        return f"after the build date {build_date.isoformat()}"
    return None
