"""Time zones as dates write them: offsets, and a small abbreviation -> IANA zone table.

A generic name (ET, PT) follows daylight saving time for the date it belongs to (ET in July is
UTC−4); an explicit standard or daylight abbreviation (EST, EDT) means exactly its offset.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Generic zone names follow daylight saving time for the date; explicit standard/daylight
# abbreviations mean exactly their offset.
ZONES: dict[str, str] = {
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
    "AKT": "America/Anchorage", "HT": "Pacific/Honolulu", "AET": "Australia/Sydney", "NZT": "Pacific/Auckland",
    "UK": "Europe/London",
}
OFFSETS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BST": 1, "IST": 5.5, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "SAST": 2, "CAT": 2, "EAT": 3, "WAT": 1, "PKT": 5, "NPT": 5.75, "ICT": 7, "WIB": 7,
    "HKT": 8, "SGT": 8, "PHT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}


def fixed_offset(text: str) -> dt.tzinfo | None:
    """``+05:30``, ``+0530``, ``-4`` as a fixed offset."""
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    if hours > 14 or minutes > 59:
        return None
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def zone_of(name: str | None, offset: str | None) -> dt.tzinfo | None:
    """The zone a date names: an offset (``+05:30``), else a known name or abbreviation (ET, CEST); None when unknown."""
    if offset:
        return fixed_offset(offset)
    if name is None:
        return None
    upper = name.upper()
    if upper in ZONES:
        return ZoneInfo(ZONES[upper])
    if upper in OFFSETS:
        return dt.timezone(dt.timedelta(hours=OFFSETS[upper]))
    return None


class _HasZone(Protocol):
    @property
    def time_zone(self) -> str | None: ...


@lru_cache(maxsize=256)
def _zone(name: str) -> dt.tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def outlet_zone(outlet: _HasZone | None) -> dt.tzinfo | None:
    """The IANA zone of an outlet's home calendar (the registry's ``time_zone``), or None."""
    name = outlet.time_zone if outlet is not None else None
    return _zone(name) if name else None
