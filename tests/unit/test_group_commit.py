"""Writes asked for at the same moment are committed together, and each caller returns only
once its own item is committed, whatever happens to the others.

A real SQLite store (a file, as the server uses) and real threads: a crowd pressing Join at
once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.orm import Session

from facilitation.services.errors import NotFound, TooMany
from facilitation.services.group_commit import GroupCommit, Queued
from facilitation.store import Store

ITEMS = Table("items", MetaData(), Column("id", Integer, primary_key=True))
CROWD = 24


@pytest.fixture()
def store(tmp_path: Path):
    store = Store(f"sqlite:///{tmp_path / 'items.sqlite3'}")
    ITEMS.create(store.engine)
    yield store
    store.dispose()


def stored(store: Store) -> set[int]:
    """What another connection sees: only what was committed."""
    with store.engine.connect() as connection:
        return set(connection.scalars(select(ITEMS.c.id)))


def write_items(sizes: list[int]) -> Callable[[Session, list[Queued[int]]], None]:
    def write(db: Session, batch: list[Queued[int]]) -> None:
        sizes.append(len(batch))
        time.sleep(0.02)  # a disk that takes its time
        db.execute(insert(ITEMS), [{"id": queued.item} for queued in batch])

    return write


def at_once(count: int, call: Callable[[int], object]) -> list[object]:
    """Run ``call(n)`` for n in range(count) from as many threads released together; returns
    each result or the exception it raised."""
    results: list[object] = [None] * count
    gate = threading.Barrier(count)

    def one(number: int) -> None:
        gate.wait()
        try:
            results[number] = call(number)
        except Exception as exc:
            results[number] = exc

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def gathering() -> None:
    time.sleep(0.01)  # threads are not greenlets: give the crowd a moment to queue


def test_a_crowd_is_written_in_a_few_transactions_and_each_returns_once_it_is_committed(
        store: Store) -> None:
    sizes: list[int] = []
    commits = GroupCommit(pause=gathering)
    write = write_items(sizes)

    def join(number: int) -> bool:
        commits.submit(store, number, write)
        return number in stored(store)  # committed by the time the caller hears back

    assert at_once(CROWD, join) == [True] * CROWD
    assert stored(store) == set(range(CROWD))
    assert sum(sizes) == CROWD
    assert commits.batches == len(sizes) < CROWD / 2, sizes


def test_an_item_the_write_refuses_fails_alone(store: Store) -> None:
    sizes: list[int] = []
    commits = GroupCommit(pause=gathering)
    plain = write_items(sizes)

    def write(db: Session, batch: list[Queued[int]]) -> None:
        for queued in batch:
            if queued.item % 5 == 0:
                queued.refuse(NotFound("This workshop no longer exists."))
        plain(db, [queued for queued in batch if queued.error is None])

    results = at_once(CROWD, lambda n: commits.submit(store, n, write).item)
    refused = {n for n in range(CROWD) if n % 5 == 0}
    assert {n for n, result in enumerate(results) if isinstance(result, NotFound)} == refused
    assert stored(store) == set(range(CROWD)) - refused


def test_a_failed_transaction_fails_its_callers_and_the_next_write_goes_ahead(
        store: Store) -> None:
    sizes: list[int] = []
    commits = GroupCommit()
    commits.submit(store, 1, write_items(sizes))
    with pytest.raises(Exception, match="UNIQUE"):
        commits.submit(store, 1, write_items(sizes))  # the same key again: the batch fails
    commits.submit(store, 2, write_items(sizes))
    assert stored(store) == {1, 2}


def test_a_caller_behind_a_stuck_write_gives_up_in_words_and_nothing_jams(
        store: Store) -> None:
    release = threading.Event()
    sizes: list[int] = []
    plain = write_items(sizes)

    def stuck_first(db: Session, batch: list[Queued[int]]) -> None:
        if any(queued.item == 0 for queued in batch):
            release.wait(30)  # a database that stopped answering
        plain(db, batch)

    commits = GroupCommit(wait=0.3)
    first = threading.Thread(target=commits.submit, args=(store, 0, stuck_first))
    first.start()
    time.sleep(0.1)
    with pytest.raises(TooMany) as waited:
        commits.submit(store, 1, stuck_first)
    assert waited.value.retry_after > 0
    release.set()
    first.join(10)
    commits.submit(store, 2, stuck_first)
    assert stored(store) == {0, 2}  # the one that gave up was never written
