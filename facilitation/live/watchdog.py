"""Notice pushes that stopped leaving, say so loudly once, and get them moving again.

Nothing in the live path waits for anything (coalesce.py, departures.py), so a push that
does not leave is a bug or a send stuck on something outside this process: a dead network
that never answers, a message queue that hangs. Either way the room must not stay frozen
until someone restarts the server. Every second the watchdog asks each queue of live work
what has waited longer than ``STUCK_AFTER`` (a healthy channel waits at most a window, well
under a second); it logs each such channel once with what is stuck and where, and hands the
channel to a new task. The task that was stuck, if it ever comes back, finds the work is no
longer its own and leaves it alone.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from .coalesce import Stuck

log = logging.getLogger(__name__)

# Seconds a fragment may wait before its channel counts as stuck: the longest healthy wait is a
# push window (0.25 s) or a whole-room board's pace (1 s), plus a busy server's lateness.
STUCK_AFTER = 5.0
CHECK_EVERY = 1.0
# A channel stuck again is logged at most once this often, in one line.
QUIET_FOR = 60.0

Sleep = Callable[[float], None]


class Watched(Protocol):
    """A queue of live work the watchdog can look into and rescue."""

    def stuck(self, after: float) -> list[Stuck]: ...

    def rescue(self, to: str) -> None: ...


class Watchdog:
    """Looks into ``watched`` queues of live work; ``check`` once, or ``run`` for ever."""

    def __init__(self, watched: Iterable[Watched], stuck_after: float = STUCK_AFTER) -> None:
        self.watched = list(watched)
        self.stuck_after = stuck_after
        self.rescued = 0
        self._logged: dict[str, tuple[float, int]] = {}  # channel: last logged, rescued since

    def check(self) -> list[Stuck]:
        """Log and rescue whatever is stuck now; returns what was found."""
        found: list[Stuck] = []
        for queue in self.watched:
            for stuck in queue.stuck(self.stuck_after):
                self._report(stuck)
                queue.rescue(stuck.channel)
                self.rescued += 1
                found.append(stuck)
        return found

    def run(self, sleep: Sleep, every: float = CHECK_EVERY) -> None:
        """Check every ``every`` seconds for the life of the server."""
        failing = False
        while True:
            sleep(every)
            try:
                self.check()
                failing = False
            except Exception:  # the watchdog itself must outlive any surprise
                if not failing:  # once, not every second
                    log.exception("The live watchdog's check failed; checking again shortly")
                failing = True

    def _report(self, stuck: Stuck) -> None:
        """The first time a channel is stuck: its whole story. After that at most a line a
        minute, with how many more times it was rescued meanwhile (a hung message queue
        would otherwise log every few seconds)."""
        now = time.monotonic()
        if len(self._logged) > 1000:
            self._logged = {channel: seen for channel, seen in self._logged.items()
                            if now - seen[0] < QUIET_FOR}
        last, quietly = self._logged.get(stuck.channel, (None, 0))
        if last is not None and now - last < QUIET_FOR:
            self._logged[stuck.channel] = (last, quietly + 1)
            return
        self._logged[stuck.channel] = (now, 0)
        if last is None:
            log.error("LIVE UPDATES STUCK: %s. Started a new push for that channel; nothing was "
                      "restarted.", stuck.describe())
        else:
            log.error("Pushes to channel %s were stuck again (%d waiting); rescued %d time(s) "
                      "since the last report", stuck.channel, stuck.waiting, quietly + 1)
