"""Beats are numbered per channel and process; a lost push leaves a gap in its workshop's."""

from __future__ import annotations

import re
from collections.abc import Callable

from facilitation.live.channels import workshop_of
from facilitation.live.heartbeat import Heartbeat

BEAT = re.compile(r'<template data-beat="(\w+):(\d+)" data-spread="(\d+)"></template>')


def beats(channels: list[str]) -> tuple[Heartbeat, list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []

    def send(to: str, render: Callable[[], str], key: str) -> None:  # renders when it leaves
        assert key == "beat"
        sent.append((to, render()))

    return Heartbeat(send, lambda: channels, lambda _channel: 250), sent


def test_only_workshop_channels_hear_beats_numbered_one_more_each_time() -> None:
    heartbeat, sent = beats(["w:1@en", "w:1@cy", "w:1:facilitator@en", "p:abc@en",
                             "w:1:t:A@en", "sid-channel", None])
    heartbeat.beat()
    heartbeat.beat()
    assert [to for to, _html in sent] == ["w:1@en", "w:1@cy", "w:1@en", "w:1@cy"]
    numbers = [BEAT.fullmatch(html).groups() for _to, html in sent]
    assert {source for source, _n, _spread in numbers} == {heartbeat.source}
    assert [int(n) for _s, n, _spread in numbers] == [1, 1, 2, 2]
    assert numbers[0][2] == "250"


def test_a_lost_push_skips_a_number_in_every_channel_of_its_workshop_only() -> None:
    heartbeat, sent = beats(["w:1@en", "w:2@en"])
    heartbeat.beat()
    heartbeat.skip(1)
    heartbeat.beat()
    numbers = [(to, int(BEAT.fullmatch(html).group(2))) for to, html in sent]
    assert numbers == [("w:1@en", 1), ("w:2@en", 1), ("w:1@en", 3), ("w:2@en", 2)]


def test_each_run_of_the_server_names_its_beats_afresh() -> None:
    assert beats([])[0].source != beats([])[0].source
    assert workshop_of("w:12:t:B@cy") == 12 and workshop_of("p:xyz@en") is None
