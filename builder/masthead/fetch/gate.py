"""Per-host politeness: at most N requests in flight to one host, and a gap between their starts.

Thread-safe: every thread that fetches from a host goes through that host's one gate. A
server's ``Retry-After`` or a retry's backoff pushes the host's next start back
(:meth:`HostGates.defer`), so every thread waits, not only the one that was told; a
robots.txt ``Crawl-delay`` widens the gap (:meth:`HostGates.widen`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Gate:
    def __init__(self, concurrency: int, interval: float) -> None:
        self.slots = threading.BoundedSemaphore(concurrency)
        self.lock = threading.Lock()
        self.interval = interval
        self.next_start = 0.0
        self.last_start: float | None = None


class HostGates:
    """One gate per host name (lower-case), created on first use."""

    def __init__(self, concurrency: int, interval: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._concurrency = concurrency
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._gates: dict[str, _Gate] = {}
        self._lock = threading.Lock()

    def _gate(self, host: str) -> _Gate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = self._gates[host] = _Gate(self._concurrency, self._interval)
            return gate

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s slots for one request, starting no earlier than its turn."""
        gate = self._gate(host)
        with gate.slots:
            with gate.lock:
                now = self._clock()
                start = max(now, gate.next_start)
                gate.next_start = start + gate.interval
                gate.last_start = start
            if start > now:
                self._sleep(start - now)
            yield

    def defer(self, host: str, seconds: float) -> None:
        """No request to ``host`` starts within ``seconds`` from now."""
        gate = self._gate(host)
        with gate.lock:
            gate.next_start = max(gate.next_start, self._clock() + seconds)

    def widen(self, host: str, interval: float) -> None:
        """Make the gap between request starts to ``host`` at least ``interval``."""
        gate = self._gate(host)
        with gate.lock:
            gate.interval = max(gate.interval, interval)
            if gate.last_start is not None:
                gate.next_start = max(gate.next_start, gate.last_start + gate.interval)
