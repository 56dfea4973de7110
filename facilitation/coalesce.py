"""Coalesce a room's fragments into a few pushes a second when the room is big and busy.

One process can make roughly 40,000 WebSocket deliveries a second (measured, see bench/). A
summit of 4,000 phones where 20 people share each second would need 80,000 if every card
were pushed on its own. So each room gets at most one push per *window*, and fragments that
arrive inside it wait and leave together as one concatenated push (the browser hands any bag
of out-of-band fragments to htmx). The window grows with the room: it is the time the room's
phones take out of a budget of deliveries per second, capped at ``max_window``. A small
workshop's window is a few milliseconds, so its pushes leave at once; a change that comes
after a quiet spell always leaves at once. On a slower or busier computer the budget is too
generous, and the sign is that a waiting push wakes up late: the window then also grows by a
few times that lateness, so the room gets fewer, fuller pushes instead of a growing queue.
Services acknowledge the sender after commit, before any of this, so the window only delays
what the others see.

Two sorts of fragment share a push. A plain one (a new card to append, a view rendered when
the change happened) leaves in the order it was sent. A *keyed* one stands for the latest
state of one part of the page (the head counts, the facilitator's panel): it is a function
rendered from the database when the push leaves, a newer one replaces a waiting one, and it
leaves after the plain ones, because it is at least as new as any of them; placed earlier, a
card appended after a freshly read list would show twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Emit = Callable[[str, str], None]
# A fragment, or a function that renders it when its push leaves (so it is rendered once per
# push, however many changes asked for it in the window).
Fragment = str | Callable[[], str]
Audience = Callable[[str], int]
StartTask = Callable[..., object]
Sleep = Callable[[float], None]

# Deliveries a second one process may spend on a room's pushes: three quarters of the ~40,000
# measured, leaving the rest for joins, acknowledgements and page loads. Measured with
# bench/load.py (one run each, 1,000/2,000/4,000 phones at 20 cards a second): 20,000 gave p95
# 94/175/333 ms, 30,000 gave 65/164/319 ms, 40,000 gave 72/160/401 ms with the server at 95 %.
DELIVERY_BUDGET = 30_000
# How much a late wake-up (seconds behind schedule, averaged) widens every window.
LATENESS_WEIGHT = 4
# A push bigger than this, or of more fragments than this (a function's size is unknown until
# it renders), leaves at once, so a burst cannot grow a room's buffer without bound.
MAX_PENDING_BYTES = 256 * 1024
MAX_PENDING_PARTS = 512


class _Pending:
    """The fragments waiting for one room, in the order they were sent."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: dict[object, Fragment] = {}
        self.size = 0


class RoomBatcher:
    """At most one push per room per window; works in threading and gevent modes alike,
    because it only uses the Socket.IO server's ``start_background_task`` and ``sleep``.

    A fragment sent with a ``key`` replaces a waiting one with the same key (a head count that
    changed five times in the window is pushed once, rendered when it leaves, after the
    plain fragments).
    """

    def __init__(self, emit: Emit, audience: Audience, start_task: StartTask, sleep: Sleep,
                 max_window: float, budget: int = DELIVERY_BUDGET,
                 max_bytes: int = MAX_PENDING_BYTES) -> None:
        self._emit = emit
        self._audience = audience
        self._start_task = start_task
        self._sleep = sleep
        self.max_window = max_window
        self.budget = budget
        self.max_bytes = max_bytes
        self._pending: dict[str, _Pending] = {}
        self._last_push: dict[str, float] = {}
        self._lock = threading.Lock()
        # Pushes leave in the order they were gathered: a flush holds this while it emits.
        self._emitting = threading.Lock()
        self._serial = 0
        self._lateness = 0.0
        self._last_emit = 0.0

    def window(self, to: str) -> float:
        """Seconds between two pushes to ``to``: the room's share of the delivery budget,
        widened while the server is running late."""
        share = self._audience(to) / self.budget
        return min(self.max_window, share + LATENESS_WEIGHT * self._lateness)

    def send(self, to: str, html: Fragment, key: str | None = None,
             min_window: float = 0.0) -> None:
        """Push ``html`` to room ``to`` now if the room's window has passed, else soon.

        ``min_window`` keeps a costly fragment (a whole-room summary) from being rendered and
        pushed more often than that, however small the room.
        """
        if self.max_window <= 0:
            self._last_emit = time.monotonic()
            self._emit(to, _rendered(html))
            return
        with self._lock:
            pending = self._pending.get(to)
            first = pending is None
            if pending is None:
                pending = self._pending[to] = _Pending()
            if key is None:
                self._serial += 1
                slot: object = self._serial
            else:
                slot = key
            previous = pending.parts.pop(slot, None)
            pending.parts[slot] = html
            pending.size += _size(html) - _size(previous)
            overfull = (pending.size >= self.max_bytes
                        or len(pending.parts) >= MAX_PENDING_PARTS)
            window = max(self.window(to), min_window)
            wait = self._last_push.get(to, 0.0) + window - time.monotonic()
        if overfull or (first and wait <= 0):
            self.flush(to)
        elif first:
            # The due time is fixed now: the task may start late on a busy server.
            self._start_task(self._flush_at, to, time.monotonic() + wait)

    def flush(self, to: str) -> None:
        """Emit what is waiting for ``to`` now, as one push."""
        with self._emitting:
            with self._lock:
                pending = self._pending.pop(to, None)
                if pending and pending.parts:
                    self._last_push[to] = self._last_emit = time.monotonic()
            if pending and pending.parts:
                plain = [part for slot, part in pending.parts.items() if isinstance(slot, int)]
                keyed = [part for slot, part in pending.parts.items() if isinstance(slot, str)]
                self._emit(to, "".join(_rendered(part) for part in [*plain, *keyed]))

    def idle_for(self) -> float:
        """Seconds since the last push left, to any room (a quiet moment for housekeeping)."""
        return time.monotonic() - self._last_emit

    def flush_all(self) -> None:
        """Emit everything waiting now."""
        with self._lock:
            rooms = list(self._pending)
        for to in rooms:
            self.flush(to)

    def _flush_at(self, to: str, due: float) -> None:
        self._sleep(max(0.0, due - time.monotonic()))
        late = max(0.0, time.monotonic() - due)
        self._lateness += (late - self._lateness) / 5  # a moving average of recent flushes
        self.flush(to)


def _rendered(part: Fragment) -> str:
    return part() if callable(part) else part


def _size(part: Fragment | None) -> int:
    return len(part) if isinstance(part, str) else 0
