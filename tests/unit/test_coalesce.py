"""The per-channel batcher, with real threads and a real clock (the threading mode's tools)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from facilitation.live.coalesce import ChannelBatcher

WAIT = 10.0


class Pushes:
    """Records every push the batcher makes, as the Socket.IO server would receive it."""

    def __init__(self) -> None:
        self.made: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def emit(self, to: str, html: str) -> None:
        with self.lock:
            self.made.append((to, html))

    def wait_for(self, count: int) -> list[tuple[str, str]]:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.made) >= count:
                    return list(self.made)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} pushes, got {self.made}")


def start_thread(target: Callable[..., object], *args: object) -> None:  # like socketio.start_background_task
    threading.Thread(target=target, args=args, daemon=True).start()


def batcher(pushes: Pushes, audience: int, window: float = 5.0, **options) -> ChannelBatcher:
    return ChannelBatcher(pushes.emit, lambda _channel: audience, start_thread, time.sleep, window,
                       **options)


def test_a_change_in_a_quiet_channel_leaves_at_once() -> None:
    pushes = Pushes()
    batcher(pushes, audience=10**6).send("w:1", "<p id='a'>1</p>")
    assert pushes.made == [("w:1", "<p id='a'>1</p>")]  # sent before send() returned


def test_changes_inside_the_window_leave_together_in_order() -> None:
    pushes = Pushes()
    channels = batcher(pushes, audience=4000, window=0.3, budget=20_000)
    for number in range(5):
        channels.send("w:1", f"<li id='c-{number}'>{number}</li>")
    made = pushes.wait_for(2)
    assert made[0] == ("w:1", "<li id='c-0'>0</li>")
    assert made[1] == ("w:1", "".join(f"<li id='c-{n}'>{n}</li>" for n in range(1, 5)))


def test_channels_are_gathered_separately() -> None:
    pushes = Pushes()
    channels = batcher(pushes, audience=4000, window=0.3, budget=20_000)
    for to in ("w:1", "w:2", "w:1", "w:2"):
        channels.send(to, f"<p>{to}</p>")
    made = pushes.wait_for(4)
    assert sorted(made) == [("w:1", "<p>w:1</p>"), ("w:1", "<p>w:1</p>"),
                            ("w:2", "<p>w:2</p>"), ("w:2", "<p>w:2</p>")]


def test_a_keyed_fragment_replaces_the_waiting_one_and_leaves_last() -> None:
    pushes = Pushes()
    channels = batcher(pushes, audience=4000, window=0.3, budget=20_000)
    channels.send("w:1", "<p>opening</p>")
    channels.send("w:1", "<p id='counts'>2 joined</p>", key="counts")
    channels.send("w:1", "<li>card</li>")
    channels.send("w:1", "<p id='counts'>3 joined</p>", key="counts")
    made = pushes.wait_for(2)
    assert made[1] == ("w:1", "<li>card</li><p id='counts'>3 joined</p>")


def test_a_full_buffer_leaves_at_once_so_memory_stays_bounded() -> None:
    pushes = Pushes()
    channels = batcher(pushes, audience=10**6, window=60.0, max_bytes=1000)
    channels.send("w:1", "x")  # quiet channel: leaves at once and opens a 60 s window
    for _ in range(10):
        channels.send("w:1", "y" * 200)
    assert len(pushes.made) >= 2, "the buffer passed its limit but nothing left"
    assert all(len(html) <= 1000 for _to, html in pushes.made)


def test_the_window_grows_with_the_channel_and_has_a_ceiling() -> None:
    pushes = Pushes()
    assert batcher(pushes, audience=30, window=0.25).window("w:1") == 0.001
    assert batcher(pushes, audience=6000, window=0.25).window("w:1") == 0.2
    assert batcher(pushes, audience=100_000, window=0.25).window("w:1") == 0.25


def test_no_window_means_every_fragment_on_its_own() -> None:
    pushes = Pushes()
    channels = batcher(pushes, audience=10**6, window=0.0)
    channels.send("w:1", "a")
    channels.send("w:1", "b")
    assert pushes.made == [("w:1", "a"), ("w:1", "b")]


def test_a_server_running_late_widens_the_window() -> None:
    pushes = Pushes()

    def oversleep(seconds: float) -> None:
        time.sleep(seconds + 0.05)  # as if the event loop were too busy to wake on time

    channels = ChannelBatcher(pushes.emit, lambda _channel: 300, start_thread, oversleep, 0.25)
    quiet = channels.window("w:1")
    for number in range(6):
        channels.send("w:1", f"<p>{number}</p>")  # after the first, each waits for a window
        pushes.wait_for(number + 1)
    assert quiet == 0.01
    assert channels.window("w:1") > quiet + 0.1
    assert channels.window("w:1") <= 0.25


def test_a_lazy_fragment_is_rendered_once_per_push_and_not_more_often_than_asked() -> None:
    pushes = Pushes()
    renders: list[int] = []

    def summary() -> str:
        renders.append(1)
        return f"<p id='summary'>{len(renders)}</p>"

    channels = batcher(pushes, audience=2, window=0.25)
    for _ in range(10):
        channels.send("w:1:facilitator", summary, key="summary", min_window=0.2)
    made = pushes.wait_for(2)
    assert len(renders) == 2  # once at once, once for the nine that came inside the window
    assert made == [("w:1:facilitator", "<p id='summary'>1</p>"),
                    ("w:1:facilitator", "<p id='summary'>2</p>")]


def test_a_push_whose_task_starts_late_leaves_at_its_due_time_not_a_window_later() -> None:
    pushes = Pushes()
    held: list[tuple] = []
    slept: list[float] = []

    def hold(target: Callable[..., object], *args: object) -> None:  # a busy server starts the task later
        held.append((target, args))

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    channels = ChannelBatcher(pushes.emit, lambda _channel: 2000, hold, sleep, 0.25)  # window 0.1 s
    channels.send("w:1", "a")  # a quiet channel: leaves at once
    channels.send("w:1", "b")  # inside the window: waits for a task
    time.sleep(channels.window("w:1") + 0.05)  # the task only starts after the window has passed
    target, args = held[0]
    target(*args)
    assert slept == [0.0]  # it does not wait a whole window more
    assert pushes.made == [("w:1", "a"), ("w:1", "b")]


def test_idle_for_counts_from_the_last_push() -> None:
    pushes = Pushes()
    channels = batcher(pushes, audience=10)
    assert channels.idle_for() == math.inf  # nothing pushed yet (however long the machine has run)
    channels.send("w:1", "a")
    assert channels.idle_for() < 1


def test_a_send_that_calls_back_into_the_batcher_does_not_deadlock_and_keeps_order() -> None:
    """As python-engineio does: a send to a phone past its ping timeout runs the app's
    disconnect handler inside the send, and a handler may push again, to any channel."""
    pushes = Pushes()
    calls: list[str] = []

    def emit(to: str, html: str) -> None:
        pushes.emit(to, html)
        if html == "<p>card</p>":  # the send that closes a silent phone's connection
            calls.append("handler")
            channels.send("w:1", "<p>after the card</p>")
            channels.send("w:1:facilitator", "<p>counts</p>", key="counts")

    channels = ChannelBatcher(emit, lambda _channel: 30, start_thread, time.sleep, 0.25)
    finished = threading.Event()

    def share() -> None:
        channels.send("w:1", "<p>card</p>")
        finished.set()

    threading.Thread(target=share, daemon=True).start()
    assert finished.wait(WAIT), "a send that called back into the batcher never returned"
    made = pushes.wait_for(3)
    assert calls == ["handler"]
    assert [html for to, html in made if to == "w:1"] == ["<p>card</p>", "<p>after the card</p>"]
    assert ("w:1:facilitator", "<p>counts</p>") in made


def test_a_push_that_never_comes_back_stops_only_its_own_channel_until_rescued() -> None:
    pushes = Pushes()
    release = threading.Event()

    def emit(to: str, html: str) -> None:
        if html == "<p>into the void</p>":
            release.wait(WAIT)  # a send stuck on a dead network or a hung message queue
        pushes.emit(to, html)

    channels = ChannelBatcher(emit, lambda _channel: 30, start_thread, time.sleep, 0.25)
    start_thread(channels.send, "w:1", "<p>into the void</p>")
    time.sleep(0.1)
    started = time.monotonic()
    channels.send("w:1", "<p>waits for its channel</p>")  # returns at once, never blocks
    channels.send("w:2", "<p>another channel</p>")
    assert time.monotonic() - started < 1
    assert pushes.made == [("w:2", "<p>another channel</p>")]
    assert channels.stuck(after=5.0) == []
    time.sleep(0.3)
    [stuck] = channels.stuck(after=0.2)
    assert (stuck.channel, stuck.waiting) == ("w:1", 1)
    assert stuck.pushing_for is not None and stuck.pushing_for >= 0.2
    assert "release.wait" in stuck.where  # where the stuck push is waiting
    channels.rescue("w:1")
    assert pushes.wait_for(2)[1] == ("w:1", "<p>waits for its channel</p>")
    release.set()  # the stuck push comes back late: it leaves, then finds the channel not its own
    pushes.wait_for(3)
    channels.send("w:1", "<p>and the channel goes on</p>")
    assert pushes.wait_for(4)[3] == ("w:1", "<p>and the channel goes on</p>")


def test_a_fragment_that_fails_to_render_is_left_out_and_reported() -> None:
    pushes = Pushes()
    lost: list[str] = []

    def broken() -> str:
        raise RuntimeError("a template error")

    channels = ChannelBatcher(pushes.emit, lambda _channel: 30, start_thread, time.sleep, 0.25,
                        lost=lost.append)
    channels.send("w:1", broken, key="panel")
    channels.send("w:1", "<p>next</p>")
    assert pushes.wait_for(2) == [("w:1", ""), ("w:1", "<p>next</p>")]
    assert lost == ["w:1"]
