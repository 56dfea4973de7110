"""Keep the garbage collector's pauses out of a live room.

A server holding thousands of connections holds millions of Python objects, and CPython's
cycle collector stops everything while it walks them. Measured with bench/load.py (2,000
phones, 20 cards a second, CPython's default settings): full collections stopped the server
for up to 310 ms, and young collections for about 3 s in all during one run, which made the
slowest 5 % of deliveries wait that long. So a live server:

- *freezes* what is alive after start-up (code, templates, plans) and, every few seconds,
  whatever has survived since (connections, sessions). Frozen objects are left out of
  automatic collections, which then look only at what is new, however big the room;
- collects young objects every 10,000 allocations rather than every 700, so that a busy
  push does not trigger dozens of them;
- still frees cyclic garbage among the frozen objects (a connection that left, say): a full
  collection runs when no push has left for a few seconds, and at least every
  ``FULL_AT_LEAST_EVERY`` seconds even in a room that is never quiet.

Objects freed by reference counting (most of them) are freed at once, frozen or not.
"""

from __future__ import annotations

import gc
import itertools
import time
from collections.abc import Callable

# Allocations (net of frees) between young collections; CPython's default is 700.
YOUNG_EVERY = 10_000
FREEZE_EVERY = 5.0
FULL_AFTER = 60.0  # seconds since the last full collection before one is worth a quiet moment
QUIET_FOR = 3.0  # seconds without a push that count as a quiet moment
FULL_AT_LEAST_EVERY = 600.0

Sleep = Callable[[float], None]
IdleFor = Callable[[], float]


def settle() -> None:
    """At start-up: collect once, freeze what survives and space young collections out."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_EVERY, middle, old)


def tend(idle_for: IdleFor, sleep: Sleep, every: float = FREEZE_EVERY,
         full_after: float = FULL_AFTER, quiet_for: float = QUIET_FOR,
         full_at_least_every: float = FULL_AT_LEAST_EVERY, rounds: int | None = None) -> None:
    """Run for the life of the server (or ``rounds`` times): freeze the survivors every
    ``every`` seconds, and collect everything at a quiet moment (see the module's note).
    ``idle_for`` says how long it is since the last push left."""
    last_full = time.monotonic()
    for _ in itertools.count() if rounds is None else range(rounds):
        sleep(every)
        since_full = time.monotonic() - last_full
        if (since_full >= full_after and idle_for() >= quiet_for) or \
                since_full >= full_at_least_every:
            collect_everything()
            last_full = time.monotonic()
        else:
            gc.freeze()


def collect_everything() -> None:
    """A full collection over the frozen objects too, then freeze the survivors again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
