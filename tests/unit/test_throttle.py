"""A paced update (the head count while a room joins) is made at most once a period, and the
last request is never lost, whatever happens while it waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from facilitation.live.throttle import Throttle

EVERY = 0.3
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


class Calls:
    def __init__(self) -> None:
        self.made: list[tuple[str, float]] = []
        self.lock = threading.Lock()

    def of(self, name: str) -> Callable[[], None]:
        def call() -> None:
            with self.lock:
                self.made.append((name, time.monotonic()))

        return call

    def names(self) -> list[str]:
        with self.lock:
            return [name for name, _at in self.made]


def test_a_burst_is_one_call_at_once_and_one_with_the_newest_when_the_period_is_up() -> None:
    calls, throttle = Calls(), Throttle(start_thread, time.sleep)
    started = time.monotonic()
    for number in range(50):
        throttle.request("room", calls.of(f"count {number}"), EVERY)
    assert calls.names() == ["count 0"]  # the first at once, in the caller
    wait_until(lambda: len(calls.names()) == 2, "the waiting request was served")
    assert calls.names() == ["count 0", "count 49"]
    assert calls.made[1][1] - started >= EVERY * 0.9
    time.sleep(EVERY * 2)
    assert len(calls.names()) == 2, "nothing is called without a request"


def test_after_a_quiet_period_a_request_is_served_at_once() -> None:
    calls, throttle = Calls(), Throttle(start_thread, time.sleep)
    throttle.request("room", calls.of("first"), EVERY)
    time.sleep(EVERY * 1.5)
    throttle.request("room", calls.of("second"), EVERY)
    assert calls.names() == ["first", "second"]


def test_keys_are_paced_apart_and_a_zero_period_serves_every_request() -> None:
    calls, throttle = Calls(), Throttle(start_thread, time.sleep)
    throttle.request("room 1", calls.of("1a"), EVERY)
    throttle.request("room 2", calls.of("2a"), EVERY)
    for name in ("x", "y", "z"):
        throttle.request("small room", calls.of(name), 0.0)
    assert calls.names() == ["1a", "2a", "x", "y", "z"]


def test_a_failing_call_is_logged_and_the_next_period_still_works(caplog) -> None:
    calls, throttle = Calls(), Throttle(start_thread, time.sleep)

    def broken() -> None:
        raise RuntimeError("the database went away")

    throttle.request("room", calls.of("first"), EVERY)
    throttle.request("room", broken, EVERY)  # waits, then fails in its task
    wait_until(lambda: "A paced update" in caplog.text, "the failure was logged")
    time.sleep(EVERY * 1.2)
    throttle.request("room", calls.of("after"), EVERY)
    assert calls.names() == ["first", "after"]


def test_a_forgotten_key_drops_what_waits_for_it() -> None:
    calls, throttle = Calls(), Throttle(start_thread, time.sleep)
    throttle.request("room", calls.of("first"), EVERY)
    throttle.request("room", calls.of("for a deleted workshop"), EVERY)
    throttle.forget("room")
    time.sleep(EVERY * 1.5)
    assert calls.names() == ["first"]
