"""Coalesce a channel's fragments into a few pushes a second when the channel is big and busy.

One process can make roughly 40,000 WebSocket deliveries a second (measured, see bench/). A
summit of 4,000 phones where 20 people share each second would need 80,000 if every card
were pushed on its own. So each channel gets at most one push per *window*, and fragments that
arrive inside it wait and leave together as one concatenated push (the browser hands any bag
of out-of-band fragments to htmx). The window grows with the channel: it is the time the channel's
phones take out of a budget of deliveries per second, capped at ``max_window``. A small
workshop's window is a few milliseconds, so its pushes leave at once; a change that comes
after a quiet spell always leaves at once. On a slower or busier computer the budget is too
generous, and the sign is that a waiting push wakes up late: the window then also grows by a
few times that lateness, so the channel gets fewer, fuller pushes instead of a growing queue.
Services acknowledge the sender after commit, before any of this, so the window only delays
what the others see.

Two sorts of fragment share a push. A plain one (a new card to append, a view rendered when
the change happened) leaves in the order it was sent. A *keyed* one stands for the latest
state of one part of the page (the head counts, the facilitator's panel): it is a function
rendered from the database when the push leaves, a newer one replaces a waiting one, and it
leaves after the plain ones, because it is at least as new as any of them; placed earlier, a
card appended after a freshly read list would show twice.

Nobody waits for anybody here. Sending a push can call back into the app: python-engineio
closes a connection whose phone stopped answering pings *inside* the send, and runs the
app's disconnect handler there, on the same greenlet. A lock held while sending was how one
sleeping phone froze a whole room. So the one lock below guards only this object's
dictionaries for a few instructions and is never held while rendering or emitting; a channel
being pushed is *claimed* instead, and whoever finds it claimed (another greenlet, or the
same one further down its own stack) leaves its fragment waiting for the claimant, who
sends it when its current push has left. A claim that never comes back (a send stuck on a
dead network or a hung message queue) is noticed by the watchdog (watchdog.py), which hands
the channel to a new task.
"""

from __future__ import annotations

import logging
import math
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

Emit = Callable[[str, str], None]
# A fragment, or a function that renders it when its push leaves (so it is rendered once per
# push, however many changes asked for it in the window).
Fragment = str | Callable[[], str]
Audience = Callable[[str], int]
StartTask = Callable[..., object]
Sleep = Callable[[float], None]
# Told the channel whose push (or part of one) could not be rendered or sent.
Lost = Callable[[str], None]

log = logging.getLogger(__name__)

# Deliveries a second one process may spend on a channel's pushes: three quarters of the ~40,000
# measured, leaving the rest for joins, acknowledgements and page loads. Measured with
# bench/load.py (one run each, 1,000/2,000/4,000 phones at 20 cards a second): 20,000 gave p95
# 94/175/333 ms, 30,000 gave 65/164/319 ms, 40,000 gave 72/160/401 ms with the server at 95 %.
DELIVERY_BUDGET = 30_000
# How much a late wake-up (seconds behind schedule, averaged) widens every window.
LATENESS_WEIGHT = 4
# A push bigger than this, or of more fragments than this (a function's size is unknown until
# it renders), leaves at once, so a burst cannot grow a channel's buffer without bound.
MAX_PENDING_BYTES = 256 * 1024
MAX_PENDING_PARTS = 512


class _Pending:
    """The fragments waiting for one channel, in the order they were sent."""

    __slots__ = ("parts", "size", "since", "min_window")

    def __init__(self, since: float) -> None:
        self.parts: dict[object, Fragment] = {}
        self.size = 0
        self.since = since  # when the oldest of them arrived
        self.min_window = 0.0

    def overfull(self, max_bytes: int) -> bool:
        return self.size >= max_bytes or len(self.parts) >= MAX_PENDING_PARTS

    def in_order(self) -> list[Fragment]:
        """Plain fragments in the order they came, then the keyed ones (see the module)."""
        plain = [part for slot, part in self.parts.items() if isinstance(slot, int)]
        keyed = [part for slot, part in self.parts.items() if isinstance(slot, str)]
        return [*plain, *keyed]


class _Claim:
    """One task's right to push a channel: at most one at a time, so pushes keep their order."""

    __slots__ = ("since", "thread", "greenlet")

    def __init__(self) -> None:
        self.since = time.monotonic()
        self.thread = threading.get_ident()
        self.greenlet = _current_greenlet()


@dataclass(frozen=True)
class Stuck:
    """A channel whose pushes stopped leaving: what the watchdog logs and rescues."""

    channel: str
    waiting: int  # fragments waiting
    waited: float  # seconds the oldest has waited
    pushing_for: float | None  # seconds the push under way has taken, if one is
    where: str  # the stack of the task holding the channel, if it can be read

    def describe(self) -> str:
        if self.pushing_for is None:
            state = "no push was under way and none was due (its timer never fired)"
        else:
            state = f"the push under way has not come back for {self.pushing_for:.1f} s"
        text = (f"{self.waiting} fragment(s) for channel {self.channel} have waited "
                f"{self.waited:.1f} s: {state}")
        return text + (f"; it is stuck in:\n{self.where}" if self.where else "")


class ChannelBatcher:
    """At most one push per channel per window; works in threading and gevent modes alike,
    because it only uses the Socket.IO server's ``start_background_task`` and ``sleep``.

    A fragment sent with a ``key`` replaces a waiting one with the same key (a head count that
    changed five times in the window is pushed once, rendered when it leaves, after the
    plain fragments). ``lost`` hears of a channel whose push (or part of one) could not be
    rendered or sent, so its screens can be told to catch up (heartbeat.py).
    """

    def __init__(self, emit: Emit, audience: Audience, start_task: StartTask, sleep: Sleep,
                 max_window: float, budget: int = DELIVERY_BUDGET,
                 max_bytes: int = MAX_PENDING_BYTES, lost: Lost | None = None) -> None:
        self._emit = emit
        self._audience = audience
        self._start_task = start_task
        self._sleep = sleep
        self.max_window = max_window
        self.budget = budget
        self.max_bytes = max_bytes
        self._lost = lost or (lambda _channel: None)
        self._pending: dict[str, _Pending] = {}
        self._last_push: dict[str, float] = {}
        self._timers: set[str] = set()  # channels whose flush task is waiting for its due time
        self._claims: dict[str, _Claim] = {}  # channels being pushed now, and by whom
        # Guards the dictionaries above only: never held across a call out of this object.
        self._lock = threading.Lock()
        self._serial = 0
        self._lateness = 0.0
        self._last_emit = -math.inf  # nothing pushed yet

    def window(self, to: str) -> float:
        """Seconds between two pushes to ``to``: the channel's share of the delivery budget,
        widened while the server is running late."""
        share = self._audience(to) / self.budget
        return min(self.max_window, share + LATENESS_WEIGHT * self._lateness)

    def send(self, to: str, html: Fragment, key: str | None = None,
             min_window: float = 0.0) -> None:
        """Push ``html`` to channel ``to`` now if the channel's window has passed, else soon.

        ``min_window`` keeps a costly fragment (a whole-room summary) from being rendered and
        pushed more often than that, however small the channel.
        """
        if self.max_window <= 0:
            self._last_emit = time.monotonic()
            self._push(to, [html])
            return
        window = self.window(to)
        with self._lock:
            now = time.monotonic()
            pending = self._pending.get(to)
            if pending is None:
                pending = self._pending[to] = _Pending(now)
            if key is None:
                self._serial += 1
                slot: object = self._serial
            else:
                slot = key
            previous = pending.parts.pop(slot, None)
            pending.parts[slot] = html
            pending.size += _size(html) - _size(previous)
            pending.min_window = max(pending.min_window, min_window)
            # A channel being pushed or waiting for its timer needs nothing more: its fragment
            # leaves with the next push (an overfull buffer hurries a timer, see _after_push).
            if to in self._claims or (to in self._timers and not pending.overfull(self.max_bytes)):
                return
            due = self._last_push.get(to, 0.0) + max(window, pending.min_window)
            now_please = pending.overfull(self.max_bytes) or due <= now
            if not now_please:
                self._timers.add(to)
        if now_please:
            self.flush(to)
        else:
            # The due time is fixed now: the task may start late on a busy server.
            self._start_task(self._flush_at, to, due)

    def flush(self, to: str) -> None:
        """Emit what is waiting for ``to`` now, as one push, unless a push to ``to`` is
        under way: then that one sends it as soon as it has left (no waiting here)."""
        claim = _Claim()
        with self._lock:
            if to in self._claims:
                return
            self._claims[to] = claim
        try:
            self._drain(to, claim)
        finally:
            with self._lock:
                if self._claims.get(to) is claim:  # an error left the loop early
                    del self._claims[to]

    def _drain(self, to: str, claim: _Claim) -> None:
        while True:
            with self._lock:
                if self._claims.get(to) is not claim:
                    return  # the watchdog gave the channel to a new task
                pending = self._pending.pop(to, None)
                if pending is None:
                    del self._claims[to]
                    return
                self._last_push[to] = self._last_emit = claim.since = time.monotonic()
            self._push(to, pending.in_order())
            if not self._after_push(to, claim):
                return

    def _after_push(self, to: str, claim: _Claim) -> bool:
        """What came in while the push was under way: True to push it at once, else its
        flush is scheduled for when the window allows and the claim is given up."""
        window = self.window(to)
        with self._lock:
            if self._claims.get(to) is not claim:
                return False
            pending = self._pending.get(to)
            if pending is None:
                del self._claims[to]
                return False
            due = self._last_push[to] + max(window, pending.min_window)
            if pending.overfull(self.max_bytes) or due <= time.monotonic():
                return True
            del self._claims[to]
            if to in self._timers:
                return False
            self._timers.add(to)
        self._start_task(self._flush_at, to, due)
        return False

    def _push(self, to: str, parts: list[Fragment]) -> None:
        """Render ``parts`` and emit them as one push. A part that fails to render is left
        out and the rest still leave; either failure is logged and reported as lost."""
        rendered: list[str] = []
        failed = False
        for part in parts:
            try:
                rendered.append(_rendered(part))
            except Exception:
                log.exception("A fragment for channel %s could not be rendered; left out", to)
                failed = True
        try:
            self._emit(to, "".join(rendered))
        except Exception:
            log.exception("A push to channel %s could not be sent", to)
            failed = True
        if failed:
            self._lost(to)

    def idle_for(self) -> float:
        """Seconds since the last push left, to any channel (a quiet moment for housekeeping)."""
        return time.monotonic() - self._last_emit

    def flush_all(self) -> None:
        """Emit everything waiting now."""
        with self._lock:
            channels = list(self._pending)
        for to in channels:
            self.flush(to)

    def stuck(self, after: float) -> list[Stuck]:
        """Channels with fragments that have waited more than ``after`` seconds: their push is
        stuck, or their timer never fired. (A healthy channel waits at most a window.)"""
        now = time.monotonic()
        found = []
        with self._lock:
            for to, pending in self._pending.items():
                claim = self._claims.get(to)
                if now - pending.since < after or (claim and now - claim.since < after):
                    continue
                found.append((to, len(pending.parts), now - pending.since, claim))
        return [Stuck(to, waiting, waited, None if claim is None else now - claim.since,
                      _stack_of(claim) if claim else "")
                for to, waiting, waited, claim in found]

    def rescue(self, to: str) -> None:
        """Take ``to`` away from a push or timer that never came back, and push what waits
        with a new task. The old task, if it ever returns, finds the channel is not its own."""
        with self._lock:
            self._claims.pop(to, None)
            self._timers.discard(to)
        self._start_task(self.flush, to)

    def _flush_at(self, to: str, due: float) -> None:
        self._sleep(max(0.0, due - time.monotonic()))
        late = max(0.0, time.monotonic() - due)
        self._lateness += (late - self._lateness) / 5  # a moving average of recent flushes
        with self._lock:
            self._timers.discard(to)
        self.flush(to)


def _rendered(part: Fragment) -> str:
    return part() if callable(part) else part


def _size(part: Fragment | None) -> int:
    return len(part) if isinstance(part, str) else 0


def _current_greenlet() -> object | None:
    greenlet = sys.modules.get("greenlet")
    return greenlet.getcurrent() if greenlet is not None else None


def _stack_of(claim: _Claim) -> str:
    """Where the task holding ``claim`` is now: its greenlet's frame under gevent, its
    thread's frame under threads (the last lines, innermost last)."""
    frame = getattr(claim.greenlet, "gr_frame", None)
    if frame is None:
        frame = sys._current_frames().get(claim.thread)
    if frame is None:
        return ""
    return "".join(traceback.format_stack(frame)[-8:])
