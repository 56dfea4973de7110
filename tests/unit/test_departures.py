"""Closed connections are counted out by a task of their own, in batches, whatever happens
while they are written."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from facilitation.live.departures import Departures

WAIT = 10.0


def start_thread(target: Callable[..., object], *args: object) -> None:  # like socketio.start_background_task
    threading.Thread(target=target, args=args, daemon=True).start()


def wait_until(check: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting until {what}")


def test_noting_a_departure_returns_at_once_and_a_task_writes_it() -> None:
    written: list[dict[str, int]] = []
    gate = threading.Event()

    def apply(changes: dict[str, int]) -> None:
        gate.wait(WAIT)  # a slow database
        written.append(changes)

    departures = Departures(apply, start_thread)
    started = time.monotonic()
    departures.note("ann")
    departures.note("bob")
    departures.note("ann")
    assert time.monotonic() - started < 0.5
    gate.set()

    def merged() -> dict[str, int]:
        total: dict[str, int] = {}
        for batch in list(written):
            for who, change in batch.items():
                total[who] = total.get(who, 0) + change
        return total

    wait_until(lambda: merged() == {"ann": -2, "bob": -1}, "all three were written")
    assert len(written) <= 2  # the first, then whatever came while it was written


def test_a_departure_noted_while_writing_is_written_next_and_a_failure_stops_nothing() -> None:
    written: list[dict[str, int]] = []

    def apply(changes: dict[str, int]) -> None:
        written.append(changes)
        if "ann" in changes:
            departures.note("cat")  # as if writing closed yet another connection
            raise RuntimeError("database is locked")

    departures = Departures(apply, start_thread)
    departures.note("ann")
    wait_until(lambda: len(written) == 2, "the second batch was written")
    assert written == [{"ann": -1}, {"cat": -1}]


def test_a_writer_that_never_returns_is_reported_and_replaced() -> None:
    written: list[dict[str, int]] = []
    hang = threading.Event()

    def apply(changes: dict[str, int]) -> None:
        if "ann" in changes:
            hang.wait(WAIT)
        written.append(changes)

    departures = Departures(apply, start_thread)
    departures.note("ann")
    time.sleep(0.05)
    departures.note("bob")
    assert departures.stuck(after=5.0) == []
    time.sleep(0.3)
    [stuck] = departures.stuck(after=0.2)
    assert stuck.waiting == 1
    departures.rescue(stuck.channel)
    wait_until(lambda: {"bob": -1} in written, "the rescuer wrote what waited")
    hang.set()
