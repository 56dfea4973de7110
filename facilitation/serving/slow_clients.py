"""Connections open per address, and the ones cut off, logged once per address a minute.

A hostile client can be cut off hundreds of times a minute; the log must not grow by
hundreds of lines, nor by one traceback each.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable

from .reader import ANSWER, BODY, FRAMES, HEADERS, IDLE

log = logging.getLogger(__name__)

LOG_EVERY = 60.0
# What was cut off, in the log's words; a quiet connection ending (IDLE) or a WebSocket
# that went silent after engine.io let it go (FRAMES) is ordinary, and not logged.
TOO_MANY = "too many connections at once"
REASONS = {HEADERS: "headers too slow", BODY: "body too slow", ANSWER: "answer not read"}
QUIET = frozenset({IDLE, FRAMES})


class SlowClients:
    """Connections open per address, and the ones cut off, logged once per address a
    minute with how many and why."""

    def __init__(self, per_address: int, log_every: float = LOG_EVERY) -> None:
        self.per_address = per_address
        self.open: Counter[str] = Counter()
        self._log_every = log_every
        self._logged: dict[str, tuple[float, Counter[str]]] = {}  # address: last line, since

    def admit(self, host: str) -> bool:
        """Count a new connection from ``host``, unless it already holds the most allowed."""
        if self.per_address and self.open[host] >= self.per_address:
            self.cut_off(host, TOO_MANY)
            return False
        self.open[host] += 1
        return True

    def release(self, host: str) -> None:
        self.open[host] -= 1
        if self.open[host] <= 0:
            del self.open[host]

    def noter(self, host: str) -> Callable[[str], None]:
        """What a connection from ``host`` calls when it is cut off (with the phase)."""
        def note(phase: str) -> None:
            if phase not in QUIET:
                self.cut_off(host, REASONS.get(phase, phase))
        return note

    def cut_off(self, host: str, why: str) -> None:
        now = time.monotonic()
        if len(self._logged) > 1000:  # many addresses: forget the ones a minute quiet
            self._logged = {a: seen for a, seen in self._logged.items()
                            if now - seen[0] < self._log_every}
        last, since = self._logged.get(host, (None, Counter()))
        since[why] += 1
        if last is not None and now - last < self._log_every:
            self._logged[host] = (last, since)
            return
        self._logged[host] = (now, Counter())
        log.warning("Slow or excessive client: closed %d connection(s) from %s (%s)",
                    since.total(), host, ", ".join(f"{why} {n}" for why, n in since.items()))
