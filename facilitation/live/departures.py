"""Live connections that closed, counted out by a task of their own, never inside a send.

python-engineio closes a connection whose phone stopped answering pings when something is
next sent to it, and runs the disconnect handler right there, inside that send, on the same
greenlet. Whatever the handler did (write the new head count, push it to the facilitator)
would then run in the middle of somebody else's push. So the handler only notes the
departure here and returns; one task writes every departure noted so far in one
transaction and asks for one refresh of each workshop's counts. A burst of phones leaving at
once (a lift, a fire drill, the end of a session) costs one write, not one each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable

from .coalesce import StartTask, Stuck

log = logging.getLogger(__name__)

CHANNEL = "presence"  # how the watchdog names this queue
# What writes a batch of changes: participant id -> change in open connections.
Apply = Callable[[dict[str, int]], None]


class Departures:
    """Changes in who is connected, applied in batches by one task at a time."""

    def __init__(self, apply: Apply, start_task: StartTask) -> None:
        self._apply = apply
        self._start_task = start_task
        self._waiting: Counter[str] = Counter()
        self._since: float | None = None  # when the oldest waiting change was noted
        self._worker: object | None = None  # the task writing them now, if one is
        self._worker_since = 0.0
        self._lock = threading.Lock()  # guards the fields above; never held across a call
        self.applied = 0

    def note(self, participant_id: str, change: int = -1) -> None:
        """A live connection of ``participant_id`` closed (or, with +1, opened)."""
        with self._lock:
            self._waiting[participant_id] += change
            if self._since is None:
                self._since = time.monotonic()
            if self._worker is not None:
                return
            worker = self._worker = object()
            self._worker_since = time.monotonic()
        self._start_task(self._work, worker)

    def _work(self, worker: object) -> None:
        while True:
            with self._lock:
                if self._worker is not worker:
                    return  # the watchdog gave the work to a new task
                if not self._waiting:
                    self._worker = None
                    self._since = None
                    return
                batch, self._waiting = dict(self._waiting), Counter()
                self._since = None
                self._worker_since = time.monotonic()
            try:
                self._apply(batch)
                self.applied += len(batch)
            except Exception:
                # Counts are shown, never relied on; a failed write must not stop the next.
                log.exception("Counting out %d closed live connection(s) failed", len(batch))

    def stuck(self, after: float) -> list[Stuck]:
        """The waiting changes, if they have waited more than ``after`` seconds."""
        now = time.monotonic()
        with self._lock:
            if self._since is None or now - self._since < after:
                return []
            if self._worker is not None and now - self._worker_since < after:
                return []
            busy = now - self._worker_since if self._worker is not None else None
            return [Stuck(CHANNEL, len(self._waiting), now - self._since, busy, "")]

    def rescue(self, to: str) -> None:
        """Start a new task for the waiting changes; a stuck one finds they are not its own."""
        with self._lock:
            worker = self._worker = object()
            self._worker_since = time.monotonic()
        self._start_task(self._work, worker)
