"""Rate limits: a flood from one phone, or code guessing from one network, slows down only
the sender, with a message saying so; nothing anyone typed is dropped.

Three token buckets, each refilling at a steady rate up to a burst:

- sharing, per person in a workshop: contributions (and later stories, votes…);
- live events, per Socket.IO connection: anything a page sends over its socket;
- failed join-code lookups, per client address: wrong codes typed, guessed or scripted.

State lives in this process's memory. That is exact for the single process `python app.py`
runs. Scaled out (several processes behind nginx), each process keeps its own buckets:
with sticky sessions a phone or an address stays on one process and meets the same limits,
but an address spread over N processes could try N times as many codes. Exact limits
across processes need the buckets in the shared Redis, e.g. one key per bucket updated by an
atomic Lua script (tokens and timestamp) with an expiry.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from .access import Actor
from .errors import TooMany


@dataclass(frozen=True)
class Rate:
    """``burst`` actions at once, then one more every ``1 / per_second`` seconds."""

    burst: int
    per_second: float


# A person writes a few contributions a minute; an offline outbox may flush ten at once.
SHARING = Rate(burst=10, per_second=1 / 3)
# A page sends an event per click; thirty at once is already a script.
EVENTS = Rate(burst=30, per_second=5)
# A room behind one NAT mistypes a few codes; 31^6 codes at ten a minute cannot be searched.
JOIN_FAILURES = Rate(burst=20, per_second=1 / 6)


class TokenBuckets:
    """One bucket per key; a key whose bucket is full again is forgotten, so memory stays
    proportional to the senders active in the last moments."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        self.rate = rate
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[Hashable, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> float:
        """Spend one token: 0 if allowed, else the seconds until one is available."""
        with self._lock:
            tokens, now = self._level(key)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                self._prune(now)
                return 0.0
            return (1 - tokens) / self.rate.per_second

    def wait(self, key: Hashable) -> float:
        """Seconds until ``key`` may act again (0 if it may now), without spending."""
        with self._lock:
            tokens, _now = self._level(key)
            return 0.0 if tokens >= 1 else (1 - tokens) / self.rate.per_second

    def _level(self, key: Hashable) -> tuple[float, float]:
        now = self.clock()
        tokens, then = self._buckets.get(key, (float(self.rate.burst), now))
        return min(float(self.rate.burst), tokens + (now - then) * self.rate.per_second), now

    def _prune(self, now: float) -> None:
        if len(self._buckets) <= self.max_keys:
            return
        burst, rate = self.rate.burst, self.rate.per_second
        self._buckets = {key: (tokens, then) for key, (tokens, then) in self._buckets.items()
                         if tokens + (now - then) * rate < burst}


def _seconds(wait: float) -> int:
    return max(1, math.ceil(wait))


class Limits:
    """The app's three limits; each check raises TooMany with a message and a wait."""

    def __init__(self, sharing: Rate = SHARING, events: Rate = EVENTS,
                 join_failures: Rate = JOIN_FAILURES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sharing = TokenBuckets(sharing, clock)
        self.events = TokenBuckets(events, clock)
        self.join_failures = TokenBuckets(join_failures, clock)

    def check_sharing(self, actor: Actor) -> None:
        """Before storing something a person shares."""
        who = actor.participant_id or actor.role
        wait = self.sharing.take((actor.workshop_id, who))
        if wait:
            seconds = _seconds(wait)
            raise TooMany("You're sending very fast. Please wait %(seconds)s seconds and send it "
                          "again: your text is kept.", seconds, seconds=seconds)

    def check_event(self, connection: str) -> None:
        """Before handling any event a live connection sends."""
        wait = self.events.take(connection)
        if wait:
            seconds = _seconds(wait)
            raise TooMany("You're sending very fast. Please wait %(seconds)s seconds and try "
                          "again.", seconds, seconds=seconds)

    def check_join(self, address: str) -> None:
        """Before looking up a join code for someone who has not joined that workshop."""
        wait = self.join_failures.wait(address)
        if wait:
            seconds = _seconds(wait)
            raise TooMany("Too many join codes that do not exist were tried from this network. "
                          "Please wait %(seconds)s seconds, check the code on the big screen "
                          "and try again.", seconds, seconds=seconds)

    def join_failed(self, address: str) -> None:
        """A code that matched no workshop (or a refused link) was tried from ``address``."""
        self.join_failures.take(address)
