"""Deleting a workshop leaves nothing behind: not in any table, not in any file.

The filler below puts a row in every table of the schema (walking ``Base.metadata``, so
tables added later are filled too), marked with a word that appears nowhere else. After the
facilitator deletes the workshop, the database equals what it was before the workshop
existed, and the bytes of every file in the data directory no longer hold the word.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import socketio
from flask import Flask
from sqlalchemy import Boolean, Date, DateTime, Integer, String, Table, Text, insert, select, text

from facilitation import runtime_of, socketio_of
from facilitation.services import lifecycle
from facilitation.services import workshops as workshop_service
from facilitation.services.access import Actor
from facilitation.services.errors import Forbidden
from facilitation.store import Base, Workshop
from tests.conftest import ROOT, ServerProcess
from tests.integration.room import join, start_workshop

from . import people
from .world import World, open_first_phase


def fill_every_table(app: Flask, code: str, marker: str) -> None:
    """One row in every table, each belonging to the workshop with ``code``."""
    runtime = runtime_of(app)
    workshop = workshop_service.find(runtime, code)
    inserted: dict[str, dict[str, object]] = {
        "workshops": {c.name: getattr(workshop, c.name) for c in Workshop.__table__.columns}}
    with runtime.store.transaction() as db:
        for table in Base.metadata.sorted_tables:
            if table.name == "workshops":
                continue
            values: dict[str, object] = {}
            for column in table.columns:
                if column.foreign_keys:
                    target = next(iter(column.foreign_keys)).column
                    values[column.name] = inserted[target.table.name][target.name]
                elif column.primary_key and isinstance(column.type, Integer) \
                        and len(table.primary_key.columns) == 1:
                    continue  # the database numbers it
                elif isinstance(column.type, Boolean):
                    values[column.name] = False
                elif isinstance(column.type, DateTime):
                    values[column.name] = datetime.now(UTC)
                elif isinstance(column.type, Date):
                    values[column.name] = date.today()
                elif isinstance(column.type, Integer):
                    values[column.name] = 1
                elif isinstance(column.type, String | Text):
                    length = getattr(column.type, "length", None) or 200
                    values[column.name] = f"{marker}-{table.name}-{column.name}"[:length]
            result = db.execute(insert(table).values(**values))
            keys = result.inserted_primary_key
            for pk, value in zip(table.primary_key.columns, keys, strict=True):
                values[pk.name] = value
            inserted[table.name] = values


def every_row(app: Flask) -> dict[str, list[tuple]]:
    with runtime_of(app).store.reading() as db:
        return {table.name: sorted(map(tuple, db.execute(select(table))), key=repr)
                for table in Base.metadata.sorted_tables}


def files_holding(data_dir: Path, word: str) -> list[str]:
    return [path.name for path in data_dir.iterdir()
            if path.is_file() and word.encode() in path.read_bytes()]


def test_every_table_is_deleted_with_its_workshop() -> None:
    """Each table reaches ``workshops`` through foreign keys that cascade on delete."""
    def reaches_workshops(table: Table, seen: tuple[str, ...] = ()) -> bool:
        if table.name == "workshops":
            return True
        return any(fk.ondelete == "CASCADE" and fk.column.table.name not in seen
                   and reaches_workshops(fk.column.table, (*seen, table.name))
                   for fk in table.foreign_keys)

    orphans = [t.name for t in Base.metadata.sorted_tables if not reaches_workshops(t)]
    assert orphans == [], ("These tables would keep rows of a deleted workshop; give them a "
                           f"foreign key with ondelete='CASCADE' towards workshops: {orphans}")


def test_deleting_a_workshop_leaves_no_row_and_no_word_behind(make_app) -> None:
    app = make_app(LIMIT_SHARING="1000 per minute", LIMIT_EVENTS="1000 per minute")
    data_dir = Path(app.config["DATA_DIR"])
    keep = start_workshop(app)
    fill_every_table(app, keep.code, "KINGFISHER")
    before = every_row(app)

    facilitator = start_workshop(app)
    open_first_phase(facilitator)
    person = join(app, facilitator.code, "ZEBRAFISH Jones")
    person.connect(socketio_of(app), app)
    for n in range(60):  # enough to fill whole pages, which are then freed
        story = f"ZEBRAFISH story {n} of the night shift, " + "and what helped " * 20
        assert person.contribute("arrival-hopes", story)["ok"]
    fill_every_table(app, facilitator.code, "ZEBRAFISH")
    assert "ZEBRAFISH" in repr(every_row(app))
    with runtime_of(app).store.engine.connect() as connection:
        # as SQLite's automatic checkpoints do during a long workshop
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert "appreciate.sqlite3" in files_holding(data_dir, "ZEBRAFISH")

    page = f"/w/{facilitator.code}/delete"
    wrong = facilitator.post(page, {"confirm_code": "NOTIT"}, page=page)
    assert wrong.status_code == 400
    assert f"type the join code {facilitator.code}" in wrong.get_data(as_text=True)
    assert workshop_service.find(runtime_of(app), facilitator.code)

    deleted = facilitator.post(page, {"confirm_code": facilitator.code.lower()}, page=page)
    assert deleted.status_code == 200
    assert "The workshop has been deleted" in deleted.get_data(as_text=True)
    assert every_row(app) == before
    assert files_holding(data_dir, "ZEBRAFISH") == []
    assert files_holding(data_dir, facilitator.code) == []
    assert "appreciate.sqlite3" in files_holding(data_dir, "KINGFISHER")
    # the facilitator's browser forgets it too; the address now leads nowhere
    assert facilitator.http.get(f"/w/{facilitator.code}/facilitate").status_code == 404


def test_everyone_connected_is_told_and_let_go(server: ServerProcess) -> None:
    """On the real server: the deletion notice arrives before the connection is closed."""
    deadline = time.monotonic() + 30
    facilitator, code = people.start_workshop(server.url)
    _other_facilitator, other_code = people.start_workshop(server.url)
    sessions = [people.join(server.url, code), people.join(server.url, other_code)]
    heard: list[list[str]] = [[], []]
    closed = [threading.Event(), threading.Event()]
    clients = []
    for n, session in enumerate(sessions):
        client = socketio.Client(reconnection=False, http_session=session)
        client.on("fragment", heard[n].append)
        client.on("disconnect", lambda *_args, n=n: closed[n].set())
        people.connect(client, server.url, (code, other_code)[n], deadline)
        clients.append(client)
    try:
        token = people.csrf(facilitator, f"{server.url}/w/{code}/delete")
        response = facilitator.post(f"{server.url}/w/{code}/delete",
                                    data={"confirm_code": code, "csrf_token": token},
                                    timeout=10)
        assert response.status_code == 200
        assert closed[0].wait(10), "the participant's connection was not closed"
        assert any('data-workshop-deleted="yes"' in html for html in heard[0])
        assert clients[1].connected and not closed[1].is_set()
        assert not any("data-workshop-deleted" in html for html in heard[1])
        assert sessions[0].get(f"{server.url}/w/{code}/", timeout=10).status_code == 404
    finally:
        for client in clients:
            client.disconnect()
        for session in (*sessions, facilitator, _other_facilitator):
            session.close()


def test_workshops_older_than_the_retention_period_are_deleted(make_app) -> None:
    app = make_app()
    runtime = runtime_of(app)
    old, recent = start_workshop(app), start_workshop(app)
    with runtime.store.transaction() as db:
        db.execute(Workshop.__table__.update().where(Workshop.code == old.code)
                   .values(created_at=datetime.now(UTC) - timedelta(days=31)))
    assert lifecycle.delete_expired(runtime, 30) == 1
    with runtime.store.reading() as db:
        assert set(db.scalars(select(Workshop.code))) == {recent.code}
    assert lifecycle.delete_expired(runtime, 30) == 0


def test_the_retention_period_is_applied_when_the_server_starts(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log")
    server.start()
    try:
        facilitator, old_code = people.start_workshop(server.url, "Last year's away day")
        facilitator.close()
        facilitator, new_code = people.start_workshop(server.url, "This month's")
        facilitator.close()
    finally:
        server.stop()
    database = tmp_path / "data" / "appreciate.sqlite3"
    db = sqlite3.connect(database)
    try:
        with db:
            db.execute("UPDATE workshops SET created_at = ? WHERE code = ?",
                       ((datetime.now(UTC) - timedelta(days=400)).strftime(
                           "%Y-%m-%d %H:%M:%S.%f"), old_code))
    finally:
        db.close()
    restarted = ServerProcess(tmp_path / "data", tmp_path / "server.log",
                              "--retention-days", "365")
    restarted.start()
    restarted.stop()
    db = sqlite3.connect(database)
    try:
        codes = {code for (code,) in db.execute("SELECT code FROM workshops")}
    finally:
        db.close()
    assert codes == {new_code}
    assert "Workshops are deleted 365 days after they were created." in (
        (tmp_path / "server.log").read_text())


def test_a_retention_period_below_one_day_is_refused_with_a_clear_message(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--data-dir", str(tmp_path), "plans",
         "--retention-days", "0"], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert "The retention period must be at least 1 day, not 0." in result.stdout


def test_sqlite_overwrites_what_is_deleted(make_app) -> None:
    app = make_app()
    with runtime_of(app).store.reading() as db:
        assert db.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_only_the_facilitator_can_delete(world: World) -> None:
    runtime = runtime_of(world.app)
    workshop = workshop_service.find(runtime, world.a)
    for actor in (Actor(workshop.id, "participant", "someone"), Actor(workshop.id, "stranger")):
        with pytest.raises(Forbidden):
            lifecycle.delete_workshop(runtime, actor, world.a)
    assert workshop_service.find(runtime, world.a)
