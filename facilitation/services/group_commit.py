"""Writes that many people ask for at the same moment, committed together: one transaction and
one wait for the disk for everyone who pressed Join in the same instant (and one write for
every phone whose live connection opened in it).

Each commit waits for the disk (SQLite's ``synchronous=FULL``: a join survives a power cut),
and under gevent the whole server waits with it: 2,000 phones joining at once spent a sixth
of the server's time there (bench/load.py). So an item is queued here, and whoever finds
nobody writing becomes the writer. It first lets the other requests that are ready queue
theirs (one cooperative pause), then writes everything queued in one transaction. What was
queued meanwhile is handed to the first of those callers, who writes the next batch the same
way; so nobody writes more than one batch, and nobody waits for more than one write besides
the one that holds their item. A caller returns only once the transaction holding its item
has committed, or raises what refused it: nothing is acknowledged before it is durable.

The lock guards the queue for a few instructions and is never held across a write. A caller
waiting for someone else's write waits at most ``WAIT`` seconds and is then asked to try
again (a write that hangs that long has stopped every write to the database anyway).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from ..store import Store
from .errors import ServiceError, TooMany

Item = TypeVar("Item")
# Writes a batch in an open transaction; an item it refuses gets its own error (see Queued).
Write = Callable[[Session, list["Queued[Item]"]], None]

WAIT = 30.0
RETRY_AFTER = 5


def _pause() -> None:
    """Let every other request that is ready run up to its own wait (under gevent, one turn
    of the event loop; with threads, the others get the interpreter)."""
    time.sleep(0)


@dataclass(eq=False)
class Queued(Generic[Item]):
    """One caller's item, and what became of it."""

    item: Item
    error: ServiceError | None = None  # set by the write for this item alone
    # Made when queued, so that it is gevent's once gevent has patched threading.
    _done: threading.Event = field(default_factory=lambda: threading.Event(), repr=False)
    _written: bool = False
    _lead: bool = False  # handed the next batch to write
    _failure: BaseException | None = None  # the whole batch's transaction failed

    def refuse(self, error: ServiceError) -> None:
        """The write cannot store this item; the others in the batch are stored."""
        self.error = error


class GroupCommit(Generic[Item]):
    """A queue of items written in batches, one transaction each, by the callers themselves."""

    def __init__(self, pause: Callable[[], None] = _pause, wait: float = WAIT,
                 durable: bool = True) -> None:
        self._pause = pause
        self._wait = wait
        self._durable = durable  # see Store.transaction
        self._queue: list[Queued[Item]] = []
        self._writing = False
        self._lock = threading.Lock()  # guards the two fields above; never held across a call
        self.batches = 0  # transactions written, for tests and benchmarks

    def submit(self, store: Store, item: Item, write: Write) -> Queued[Item]:
        """Queue ``item`` and return once it is committed (``write`` stores a batch; every
        caller of one GroupCommit passes the same). Raises the item's own refusal, or what
        made its batch fail."""
        queued: Queued[Item] = Queued(item)
        with self._lock:
            self._queue.append(queued)
            lead = not self._writing
            self._writing = True
        if not lead:
            self._wait_for_turn(queued)
        if not queued._written:
            self._write_batch(store, write, queued)
        if queued._failure is not None:
            raise queued._failure
        if queued.error is not None:
            raise queued.error
        return queued

    def _wait_for_turn(self, queued: Queued[Item]) -> None:
        """Until another caller has written ``queued`` or handed it the next batch."""
        if queued._done.wait(self._wait):
            return
        with self._lock:
            if queued._written or queued._lead:
                return
            if queued in self._queue:  # not taken yet: leave, and nothing is written
                self._queue.remove(queued)
        raise TooMany("The workshop is very busy at this moment. Please wait %(seconds)s "
                      "seconds and try again.", RETRY_AFTER, seconds=RETRY_AFTER)

    def _write_batch(self, store: Store, write: Write, own: Queued[Item]) -> None:
        batch: list[Queued[Item]] = []
        try:
            self._pause()
            with self._lock:
                batch, self._queue = self._queue, []
            with store.transaction(self._durable) as db:
                write(db, batch)
        except Exception as exc:  # every caller of the batch raises it
            for queued in batch:
                queued._failure = exc
        finally:
            self._hand_on(batch, own)

    def _hand_on(self, batch: list[Queued[Item]], own: Queued[Item]) -> None:
        """Mark ``batch`` written and hand what was queued meanwhile to its first caller.
        (Were the writer stopped before it took the batch, its own item leaves the queue.)"""
        with self._lock:
            if not batch and own in self._queue:
                self._queue.remove(own)
            self.batches += bool(batch)
            for queued in batch:
                queued._written = True
            following = self._queue[0] if self._queue else None
            if following is not None:
                following._lead = True
            else:
                self._writing = False
        for queued in batch:
            queued._done.set()
        if following is not None:
            following._done.set()
