"""The join path's shortcuts into the database give what the ORM would, and skip the wait for
the disk only where asked: a real SQLite file, as the server uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from facilitation import runtime_of
from facilitation.services import presence, seating
from facilitation.services import workshops as workshop_service
from facilitation.services.errors import NotFound
from facilitation.startup import prepared
from facilitation.store import Participant, Store, Workshop


@pytest.fixture()
def rt(tmp_path: Path):
    app = prepared({"DATA_DIR": str(tmp_path / "data"), "TESTING": True,
                    "SOCKETIO_ASYNC_MODE": "threading"})
    yield runtime_of(app)
    runtime_of(app).store.dispose()


def test_a_workshop_found_by_code_is_the_one_the_orm_reads(rt) -> None:
    created, _key = workshop_service.create(rt, "at-our-best-with-each-other", "Ward 7")
    found = workshop_service.find(rt, created.code.lower())
    with rt.store.reading() as db:
        stored = db.scalar(select(Workshop).where(Workshop.id == created.id))
    columns = [prop.key for prop in inspect(Workshop).column_attrs]
    assert {key: getattr(found, key) for key in columns} == {
        key: getattr(stored, key) for key in columns}
    assert inspect(found).detached and inspect(found).identity == (created.id,)
    with pytest.raises(NotFound):
        workshop_service.find(rt, "NOPE42")


def test_a_participant_s_workshop_and_table_are_read_as_stored(rt) -> None:
    first, _ = workshop_service.create(rt, "at-our-best-with-each-other")
    other, _ = workshop_service.create(rt, "at-our-best-with-each-other")
    people = [workshop_service.join(rt, first.id) for _ in range(9)]
    assert [seating.table_of(rt, person) for person in people] == ["1"] * 8 + ["2"]
    assert workshop_service.is_participant(rt, first.id, people[0])
    assert not workshop_service.is_participant(rt, other.id, people[0])
    assert not workshop_service.is_participant(rt, first.id, "no-such-person")
    assert seating.table_of(rt, "no-such-person") is None


def test_only_who_is_connected_is_written_without_waiting_for_the_disk(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'sync.sqlite3'}")
    try:
        with store.transaction() as db:
            assert db.scalar(text("PRAGMA synchronous")) == 2  # FULL
        with store.transaction(durable=False) as db:
            assert db.scalar(text("PRAGMA synchronous")) == 1  # NORMAL
        with store.transaction() as db:
            assert db.scalar(text("PRAGMA synchronous")) == 2, "a pooled connection kept NORMAL"
    finally:
        store.dispose()


def test_connections_counted_without_the_wait_are_read_by_everyone(rt) -> None:
    workshop, _ = workshop_service.create(rt, "at-our-best-with-each-other")
    person = workshop_service.join(rt, workshop.id)
    presence.connected(rt, person, +1)
    presence.connected(rt, person, +1)
    presence.changed(rt, {person: -1})
    assert presence.present_ids(rt, workshop.id) == [person]
    presence.connected(rt, person, -1)
    presence.connected(rt, person, -1)  # never below none
    with rt.store.reading() as db:
        assert db.get(Participant, person).connections == 0


def test_a_workshop_found_again_is_as_it_is_now(rt) -> None:
    """The object made from an unchanged row is handed out again; a changed row is read as
    it is now, never as it was."""
    created, _key = workshop_service.create(rt, "at-our-best-with-each-other")
    code = created.code
    first = workshop_service.find(rt, code)
    assert workshop_service.find(rt, code) is first
    with rt.store.transaction() as db:
        db.get(Workshop, first.id).title = "Renamed"
    again = workshop_service.find(rt, code)
    assert again.title == "Renamed" and first.title != "Renamed"
    with rt.store.transaction() as db:
        db.delete(db.get(Workshop, first.id))
    with pytest.raises(NotFound):
        workshop_service.find(rt, code)
