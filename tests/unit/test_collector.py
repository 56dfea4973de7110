"""The live server's garbage-collector housekeeping, on this process's real collector."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator

import pytest

from facilitation.live import collector


class Node:
    """Something that can sit in a reference cycle and be watched with a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def restore_the_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def a_cycle() -> weakref.ref:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_settle_freezes_what_exists_and_spaces_young_collections_out() -> None:
    collector.settle()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == collector.YOUNG_EVERY


def test_survivors_are_frozen_out_of_collections_until_a_quiet_moment() -> None:
    cycle = a_cycle()
    collector.tend(idle_for=lambda: 0.0, sleep=lambda _s: None, full_after=0.0, rounds=1)
    gc.collect()
    assert cycle() is not None  # frozen: even a full automatic-style collection skips it
    collector.tend(idle_for=lambda: 60.0, sleep=lambda _s: None, full_after=0.0, rounds=1)
    assert cycle() is None  # the quiet moment's full collection freed the garbage


def test_a_room_that_is_never_quiet_still_gets_a_full_collection() -> None:
    cycle = a_cycle()
    collector.tend(idle_for=lambda: 0.0, sleep=lambda _s: None, full_after=0.0, rounds=1)
    time.sleep(0.02)
    collector.tend(idle_for=lambda: 0.0, sleep=time.sleep, every=0.02,
                   full_at_least_every=0.01, rounds=1)
    assert cycle() is None


def test_no_full_collection_soon_after_the_last_one() -> None:
    cycle = a_cycle()
    collector.tend(idle_for=lambda: 60.0, sleep=lambda _s: None, full_after=600.0, rounds=1)
    gc.collect()
    assert cycle() is not None  # frozen, waiting for a quiet moment after full_after
    gc.unfreeze()
    gc.collect()
    assert cycle() is None
