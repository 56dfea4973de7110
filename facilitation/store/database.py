"""One engine per app, one short transaction per service call, schema kept current by Alembic."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: the PostgreSQL advisory lock that serialises schema upgrades.
MIGRATION_LOCK = 0x41505052  # "APPR"


def _tune_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    """WAL lets readers carry on during a write; FULL sync makes a commit survive a crash;
    secure_delete overwrites deleted rows, so a deleted workshop's words leave the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _tune_sqlite_quick(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
    """The same, but a commit does not wait for the disk (Store.transaction(durable=False))."""
    _tune_sqlite(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _private(database: str | None) -> None:
    """The database file readable by its owner alone (0600), made so before SQLite first
    opens it; SQLite gives its -wal and -shm files the same permissions."""
    if not database or database == ":memory:":
        return
    path = Path(database)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


class Store:
    """The database behind one app: SQLite by default, any SQLAlchemy URL (PostgreSQL) works."""

    def __init__(self, url: str) -> None:
        self.url = url
        # A server's connection can drop while idle in the pool, so it is tried before use; a
        # SQLite file cannot, and the try (a query per checkout) was a tenth of a big room's
        # joining time (bench/load.py).
        sqlite = make_url(url).get_backend_name() == "sqlite"
        self.engine: Engine = create_engine(url, pool_pre_ping=not sqlite)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _tune_sqlite)
            _private(self.engine.url.database)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Who is connected is forgotten at every start of a SQLite server, so writing it need
        # not wait for the disk: its own pool, whose commits skip the fsync (a later durable
        # commit makes them durable too; a crash loses only the last of them). A summit
        # connecting at once otherwise waited for the disk once per phone.
        self._quick_engine: Engine | None = None
        self._quick_sessions = self._sessions
        if sqlite and self.engine.url.database not in (None, "", ":memory:"):
            self._quick_engine = create_engine(url)
            event.listen(self._quick_engine, "connect", _tune_sqlite_quick)
            self._quick_sessions = sessionmaker(self._quick_engine, expire_on_commit=False)

    def migrate(self, named_activities: Iterable[tuple[str, str]] = ()) -> None:
        """Bring the schema up to date; safe to run at every start, and at the same moment
        from several processes sharing a PostgreSQL database (they take turns).

        ``named_activities`` — (plan, activity) pairs whose plan names authors — tells a
        migration which old rows may keep their author; every other row is anonymous."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["named_activities"] = frozenset(named_activities)
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back on any error. With
        ``durable=False`` the commit may skip waiting for the disk on SQLite: only for what
        a restart forgets anyway (who is connected now, services.presence)."""
        sessions = self._sessions if durable else self._quick_sessions
        with sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only."""
        with self._sessions() as session:
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A plain pooled connection, for the hot lookups built once (lookups.py)."""
        with self.engine.connect() as connection:
            yield connection

    def forget_deleted(self) -> None:
        """After a deletion: on SQLite, copy the write-ahead log into the database file and
        empty it, so no old copy of deleted rows stays behind in the log."""
        if self.engine.dialect.name != "sqlite":
            return
        for _attempt in range(10):
            with self.engine.connect() as connection:
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").scalar()
            if not busy:
                return
            time.sleep(0.05)  # a reader still holds an old snapshot; it ends in moments

    def dispose(self) -> None:
        self.engine.dispose()
        if self._quick_engine is not None:
            self._quick_engine.dispose()
