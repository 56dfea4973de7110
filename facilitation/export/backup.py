"""A complete copy of one workshop as JSON, and its exact restore.

Generic over ``Base.metadata``: every table that leads to ``workshops`` through its foreign
keys is included, so a table added by a later migration is backed up with no change here.
What the schema cannot say is written down below: the columns that point at a row of a table
named by another column (POLYMORPHIC). A test fails if an ``*_id`` column is neither.

Ids: the database numbers rows across all workshops, so the file numbers each table's rows
1, 2, 3… in their original order, and rewrites every reference to match. Import inserts the
rows in the same order and maps the numbers back to whatever ids the target database gives.
So a backup restores into a data directory that already has other workshops, and exporting
the restored workshop gives the same file again, byte for byte, as long as its join code and
participant ids were free; if not, import gives the workshop a new code and the clashing
participants new ids, and that is the only difference.

Two tables are left out on purpose (NOT_KEPT): the theme board's undo steps are snapshots
that name rows by their ids in the live database, so a restored board starts a fresh undo
history; and the facilitators' sessions, so a backup never holds a way in.

Before anything is written, import checks the whole file against backup_schema.py.

The facilitator key is stored only as a hash, and the hash is restored as it was: the old
private link keeps working (with the new code, if the code had to change).

This file holds everything, including which participant wrote what, so that a restore is
exact. Keep it as safe as the data directory itself; it is never a report.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Table, insert, select, text, update
from sqlalchemy.schema import sort_tables
from sqlalchemy.sql.elements import ColumnElement

from ..services.access import new_join_code, new_participant_id
from ..services.moderation import ITEM_TABLES
from ..store.models import Base

FORMAT = "appreciate-workshop-backup"
VERSION = 1

#: (table, column) -> (the column naming the kind of row, kind -> table it points into)
POLYMORPHIC: dict[tuple[str, str], tuple[str, dict[str, str]]] = {
    ("theme_links", "item_id"): ("item_type", {"contribution": "contributions",
                                               "story": "stories"}),
    ("item_themes", "item_id"): ("item_type", {"contribution": "contributions",
                                               "story": "stories",
                                               "proposition": "propositions"}),
    ("votes", "target_id"): ("target_type", {"contribution": "contributions",
                                             "proposition": "propositions"}),
}

#: (table, column) -> kind -> table: text columns that name one row as "kind:id" (the
#: projector's spotlight). Renumbered like any reference; one that names no row of the
#: workshop (its commitment was withdrawn since) is written as null.
NAMED_ROWS: dict[tuple[str, str], dict[str, str]] = {
    ("workshops", "spotlight"): {kind: model.__tablename__ for kind, model in ITEM_TABLES.items()},
}


#: Tables a backup leaves out, and why.
NOT_KEPT: dict[str, str] = {
    "theme_history": "undo snapshots name rows by live database ids; a restored board "
                     "starts a fresh undo history",
    "facilitator_sessions": "browsers signed in to this server; a backup is no way in, and "
                            "a restored workshop is signed into with its private link",
}


class BackupError(ValueError):
    """A backup that cannot be written or read; the message says what and where."""


@dataclass(frozen=True)
class Restored:
    workshop_id: int
    code: str
    code_changed: bool
    #: old participant id -> new one, for ids another workshop here already had
    renamed_participants: dict[str, str]


def tables_in_order() -> list[Table]:
    """Every kept table, each after the tables its rows point at (foreign keys and
    POLYMORPHIC)."""
    tables = Base.metadata.tables
    extra = [(tables[target], tables[name])
             for (name, _column), (_kind, targets) in POLYMORPHIC.items()
             for target in targets.values()]
    return [table for table in sort_tables(tables.values(), extra_dependencies=extra)
            if table.name not in NOT_KEPT]


def _renumbered(table: Table) -> bool:
    """Tables whose rows the database numbers (an integer ``id``) get numbered 1, 2, 3…."""
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and keys[0].name == "id" and keys[0].type.python_type is int


def _owner_clause(table: Table, workshop_id: int) -> ColumnElement[bool]:
    """Which of ``table``'s rows belong to the workshop, following foreign keys to it."""
    if table.name == "workshops":
        return table.c.id == workshop_id
    candidates = sorted(table.foreign_keys, key=lambda fk: (not fk.parent.primary_key,
                                                            fk.parent.nullable, fk.parent.name))
    for fk in candidates:
        parent = fk.column.table
        if parent.name == "workshops":
            return fk.parent == workshop_id
    for fk in candidates:
        parent = fk.column.table
        if parent is not table:
            try:
                inner = _owner_clause(parent, workshop_id)
            except BackupError:
                continue
            return fk.parent.in_(select(fk.column).where(inner))
    raise BackupError(f"table {table.name} has no link to a workshop, so no backup can "
                      "include it; give it a foreign key towards workshops")


def _reference(table: Table, column: Column) -> tuple[str, Callable[[dict], str | None]] | None:
    """Where ``column``'s values point, as (kind, function row -> target table) or None."""
    if (table.name, column.name) in POLYMORPHIC:
        kind_column, targets = POLYMORPHIC[(table.name, column.name)]

        def target(row: dict) -> str:
            kind = row[kind_column]
            if kind not in targets:
                raise BackupError(f"{table.name}.{kind_column} has the unknown kind {kind!r}")
            return targets[kind]
        return "polymorphic", target
    foreign_key = next(iter(column.foreign_keys), None)
    if foreign_key is not None:
        return "foreign", lambda _row, name=foreign_key.column.table.name: name
    if column.primary_key and _renumbered(table):
        return "own", lambda _row, name=table.name: name
    return None


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _from_json(value: Any, column: Column, where: str) -> Any:
    if value is None:
        return None
    kind = column.type.python_type
    try:
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is date:
            return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BackupError(f"{where}: {value!r} is not a date") from None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise BackupError(f"{where}: {value!r} is not a whole number")
    if kind is not int and not isinstance(value, kind):
        raise BackupError(f"{where}: {value!r} is not {kind.__name__}")
    return value


def _named_row(value: str, tables: dict[str, str], numbers: dict[str, dict[Any, Any]]
               ) -> str | None:
    """A "kind:id" value with the id mapped through ``numbers`` (None if it names no row)."""
    kind, _, digits = value.partition(":")
    mapped = numbers.get(tables.get(kind, ""), {}).get(int(digits) if digits.isdecimal() else -1)
    return f"{kind}:{mapped}" if mapped is not None else None


def _schema_revisions(connection: Connection) -> list[str]:
    return sorted(connection.execute(text("select version_num from alembic_version")).scalars())


def export_backup(connection: Connection, workshop_id: int) -> bytes:
    """Every row of every table that belongs to the workshop, as UTF-8 JSON."""
    rows: dict[str, list[dict]] = {}
    for table in tables_in_order():
        query = select(table).where(_owner_clause(table, workshop_id))
        query = query.order_by(*table.primary_key.columns)
        rows[table.name] = [dict(row._mapping) for row in connection.execute(query)]
    if not rows["workshops"]:
        raise BackupError("there is no such workshop")
    numbers = {name: {row["id"]: place for place, row in enumerate(rows[name], start=1)}
               for name in rows if _renumbered(Base.metadata.tables[name])}

    document: dict[str, Any] = {"format": FORMAT, "version": VERSION,
                                "schema": _schema_revisions(connection), "tables": {}}
    for table in tables_in_order():
        out = []
        for row in rows[table.name]:
            record = {}
            for column in table.columns:
                value = row[column.name]
                reference = _reference(table, column)
                if value is not None and (table.name, column.name) in NAMED_ROWS:
                    value = _named_row(value, NAMED_ROWS[(table.name, column.name)], numbers)
                elif value is not None and reference is not None:
                    target = reference[1](row)
                    if target in numbers:
                        if value not in numbers[target]:
                            raise BackupError(f"{table.name}.{column.name} points at a row "
                                              f"of {target} that does not exist ({value})")
                        value = numbers[target][value]
                record[column.name] = _to_json(value)
            out.append(record)
        document["tables"][table.name] = out
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def import_backup(connection: Connection, document: dict[str, Any],
                  known_revisions: set[str]) -> Restored:
    """Insert a checked backup as a new workshop, inside the caller's transaction."""
    newer = [rev for rev in document.get("schema", []) if rev not in known_revisions]
    if newer:
        raise BackupError(f"this backup was made by a newer version of Appreciate (schema "
                          f"{', '.join(newer)}); update Appreciate first")
    tables = document["tables"]
    new_ids: dict[str, dict[Any, Any]] = {}
    code_changed = False
    renamed: dict[str, str] = {}
    named_rows: list[tuple[Table, str, Any, str]] = []  # set once their rows are in
    for table in tables_in_order():
        mapping = new_ids.setdefault(table.name, {})
        for number, record in enumerate(tables.get(table.name, []), start=1):
            where = f"{table.name} row {number}"
            row = {column.name: _from_json(record[column.name], column, f"{where}.{column.name}")
                   for column in table.columns if column.name in record}
            for column in table.columns:
                reference = _reference(table, column)
                if reference is None or row.get(column.name) is None or reference[0] == "own":
                    continue
                target = reference[1](row)
                if target in new_ids:
                    if row[column.name] not in new_ids[target]:
                        raise BackupError(f"{where}.{column.name} points at a row of {target} "
                                          "that is not in the backup")
                    row[column.name] = new_ids[target][row[column.name]]
            for (name, column), _kinds in NAMED_ROWS.items():
                if name == table.name and row.get(column) is not None:
                    named_rows.append((table, column, row.get("id"), row.pop(column)))
            if table.name == "workshops":
                code_changed = _free_code(connection, table, row)
            if table.name == "participants":
                old = row["id"]
                if connection.scalar(select(table.c.id).where(table.c.id == old)) is not None:
                    row["id"] = renamed[old] = new_participant_id()
                mapping[old] = row["id"]
            if _renumbered(table):
                local = row.pop("id", None)
                result = connection.execute(insert(table).values(**row))
                mapping[local] = result.inserted_primary_key[0]
            else:
                connection.execute(insert(table).values(**row))
    for table, column, local, value in named_rows:
        kind, _, number = value.partition(":")
        target = new_ids[NAMED_ROWS[(table.name, column)][kind]][int(number)]
        connection.execute(update(table).where(table.c.id == new_ids[table.name][local])
                           .values({column: f"{kind}:{target}"}))
    workshop_id = new_ids["workshops"][tables["workshops"][0].get("id")]
    code = connection.scalar(select(Base.metadata.tables["workshops"].c.code).where(
        Base.metadata.tables["workshops"].c.id == workshop_id))
    return Restored(workshop_id, code, code_changed, renamed)


def _free_code(connection: Connection, workshops: Table, row: dict) -> bool:
    """Keep the workshop's join code if no other workshop has it; returns True if it changed."""
    def taken(code: str) -> bool:
        return connection.scalar(select(workshops.c.id).where(workshops.c.code == code)) \
            is not None

    if row.get("code") and not taken(row["code"]):
        return False
    for _attempt in range(50):
        candidate = new_join_code()
        if not taken(candidate):
            row["code"] = candidate
            return True
    raise BackupError("could not find a free join code; please try again")
