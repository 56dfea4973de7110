"""At most one call a period per key, and the last request never lost: how a summit's phones
hear the head count while hundreds join at once.

A request for a key last served at least ``every`` seconds ago is served at once. One inside
that time is served once, by a task, when the time is up, however many requests came
meanwhile; the newest call replaces a waiting one (it reads the latest state itself). So
whoever asked is served within ``every`` seconds, and a burst of a thousand requests costs
one call a period instead of a thousand. The lock guards only this object's dictionaries
for a few instructions: it is never held across a call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable

from .coalesce import Sleep, StartTask

log = logging.getLogger(__name__)

Call = Callable[[], None]


class Throttle:
    """Calls per key, at most one per period (given with each request)."""

    def __init__(self, start_task: StartTask, sleep: Sleep) -> None:
        self._start_task = start_task
        self._sleep = sleep
        self._last: dict[Hashable, float] = {}  # when each key was last served
        self._waiting: dict[Hashable, Call] = {}  # calls a task will make when their time is up
        self._lock = threading.Lock()

    def request(self, key: Hashable, call: Call, every: float) -> None:
        """Make ``call`` now if ``key`` was last served ``every`` seconds ago or more, else
        once when that time is up (a newer request's call replaces this one)."""
        with self._lock:
            now = time.monotonic()
            if key in self._waiting:
                self._waiting[key] = call
                return
            due = self._last.get(key, -float("inf")) + every
            if due <= now:
                self._last[key] = now
            else:
                self._waiting[key] = call
        if due <= now:
            call()
        else:
            self._start_task(self._call_at, key, due)

    def _call_at(self, key: Hashable, due: float) -> None:
        self._sleep(max(0.0, due - time.monotonic()))
        with self._lock:
            call = self._waiting.pop(key, None)
            self._last[key] = time.monotonic()
        if call is None:
            return
        try:
            call()
        except Exception:
            log.exception("A paced update for %s failed", key)

    def forget(self, key: Hashable) -> None:
        """``key`` is gone (a deleted workshop): drop what is kept for it."""
        with self._lock:
            self._last.pop(key, None)
            self._waiting.pop(key, None)
