"""robots.txt: fetched once per origin (cached for the fetcher's life), honoured for masthead.

The file is fetched through the same safe path as pages (address checks, pinning, size cap,
redirects) and read with :mod:`urllib.robotparser`, matching ``User-agent:`` lines against the
``masthead`` product token. What an unavailable file means follows RFC 9309: a 4xx answer
(no robots.txt) allows everything; a 5xx or no answer at all means the site is treated as
fully disallowed for now (the pages are reported ``robots_unreachable``, a miss that is not
cached, so a later run asks again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

from masthead.fetch.policy import ROBOTS_TOKEN
from masthead.fetch.result import FetchResult

#: RFC 9309: a crawler may ignore robots.txt content past 500 KiB.
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True)
class RobotsRules:
    """The verdicts of one origin's robots.txt."""

    origin: str
    parser: RobotFileParser | None  # None: everything allowed (no robots.txt) or everything refused
    allow_all: bool
    why: str  # how the file was obtained, for reports ("robots.txt 404: no rules", ...)

    def allowed(self, url: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(ROBOTS_TOKEN, url))

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(ROBOTS_TOKEN)
        return float(delay) if delay is not None else None


def rules_from(origin: str, result: FetchResult) -> RobotsRules:
    """Turn the fetch of ``<origin>/robots.txt`` into rules (RFC 9309's reading of failures)."""
    if result.ok:
        parser = RobotFileParser()
        text = (result.content or b"").decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return RobotsRules(origin, parser, allow_all=True, why=f"robots.txt {result.status}")
    if result.status is not None and 400 <= result.status < 500 and result.status != 429:
        return RobotsRules(origin, None, allow_all=True, why=f"robots.txt {result.status}: no rules")
    return RobotsRules(origin, None, allow_all=False,
                       why=f"robots.txt unreachable ({result.reason}: {result.detail}); RFC 9309: treat as disallowed")


class RobotsCache:
    """One :class:`RobotsRules` per origin, fetched by the first thread that asks; others wait for it."""

    def __init__(self, fetch_rules: Callable[[str], RobotsRules]) -> None:
        self._fetch_rules = fetch_rules
        self._rules: dict[str, RobotsRules] = {}
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def rules(self, origin: str) -> RobotsRules:
        while True:
            with self._lock:
                if origin in self._rules:
                    return self._rules[origin]
                event = self._pending.get(origin)
                mine = event is None
                if mine:
                    event = self._pending[origin] = threading.Event()
            assert event is not None
            if not mine:
                event.wait()
                continue
            try:
                rules = self._fetch_rules(origin)
                with self._lock:
                    self._rules[origin] = rules
                return rules
            finally:
                with self._lock:
                    del self._pending[origin]
                event.set()
