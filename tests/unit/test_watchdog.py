"""The watchdog logs a stuck channel once, with what is stuck, and rescues it every time."""

from __future__ import annotations

import logging

from facilitation.live import watchdog as watchdog_module
from facilitation.live.coalesce import Stuck
from facilitation.live.watchdog import Watchdog


class Queue:
    """A queue of live work with one stuck channel until it is rescued."""

    def __init__(self) -> None:
        self.rescued: list[str] = []
        self.stuck_now = [Stuck("w:7@en", 3, 6.5, 6.4, 'File "emit.py", line 9, in send')]

    def stuck(self, after: float) -> list[Stuck]:
        found, self.stuck_now = self.stuck_now, []
        return found

    def rescue(self, to: str) -> None:
        self.rescued.append(to)


def test_a_stuck_channel_is_logged_loudly_once_with_where_and_rescued_every_time(
        caplog, monkeypatch) -> None:
    queue = Queue()
    watchdog = Watchdog([queue])
    clock = [1000.0]
    monkeypatch.setattr(watchdog_module.time, "monotonic", lambda: clock[0])
    with caplog.at_level(logging.ERROR):
        assert [s.channel for s in watchdog.check()] == ["w:7@en"]
        assert watchdog.check() == []  # rescued: nothing stuck any more
        for _ in range(10):  # stuck again and again, as behind a hung message queue
            clock[0] += 5
            queue.stuck_now = [Stuck("w:7@en", 1, 5.2, None, "")]
            watchdog.check()
        clock[0] += 15  # more than a minute after the first report
        queue.stuck_now = [Stuck("w:7@en", 2, 5.1, None, "")]
        watchdog.check()
    assert queue.rescued == ["w:7@en"] * 12
    first, second = (record.getMessage() for record in caplog.records)
    assert first.startswith("LIVE UPDATES STUCK: 3 fragment(s) for channel w:7@en have waited 6.5 s")
    assert "has not come back for 6.4 s" in first and 'File "emit.py", line 9' in first
    assert second == ("Pushes to channel w:7@en were stuck again (2 waiting); rescued 11 time(s) "
                      "since the last report")


def test_a_timer_that_never_fired_is_described_as_such() -> None:
    text = Stuck("w:1:facilitator@cy", 2, 7.0, None, "").describe()
    assert text == ("2 fragment(s) for channel w:1:facilitator@cy have waited 7.0 s: no push "
                    "was under way and none was due (its timer never fired)")
