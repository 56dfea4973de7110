"""The lookups every page and live connection makes, built once and run on a plain pooled
connection, without an ORM session.

Each request of a phone joining starts by finding its workshop by code, and its live
connection also reads whose it is and at which table they sit. Through an ORM session each
such read cost 170-210 µs of the server's time; a statement built once and run on a
connection costs 30-85 µs (measured on the 2-core benchmark machine, bench/load.py). The
workshop comes back as the ORM would hand it over after its session closed: a detached
``Workshop`` with every column loaded.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, inspect, select
from sqlalchemy.orm import make_transient_to_detached

from .models import Participant, Workshop

_WORKSHOP_COLUMNS = [(prop.key, prop.columns[0]) for prop in inspect(Workshop).column_attrs]
_WORKSHOP_BY_CODE = (select(*(column for _key, column in _WORKSHOP_COLUMNS))
                     .where(Workshop.__table__.c.code == bindparam("code")))
# The latest row read for each code, with the object made from it (workshop_by_code).
_LATEST: dict[str, tuple[tuple, Workshop]] = {}
_KEEP = 256
_SEAT = (select(Participant.workshop_id, Participant.table_label)
         .where(Participant.id == bindparam("participant_id")))


def workshop_by_code(connection: Connection, code: str) -> Workshop | None:
    """The workshop with this (normalised) join code, detached, or None. The row is read
    every time; while it is unchanged the same detached object is handed out again (it is
    only ever read: every change loads the row in a transaction of its own), which spares
    building one per request (a third of this lookup's time)."""
    row = connection.execute(_WORKSHOP_BY_CODE, {"code": code}).first()
    if row is None:
        _LATEST.pop(code, None)
        return None
    latest = _LATEST.get(code)
    if latest is not None and latest[0] == tuple(row):
        return latest[1]
    workshop = Workshop(**{key: value for (key, _column), value
                           in zip(_WORKSHOP_COLUMNS, row, strict=True)})
    make_transient_to_detached(workshop)
    if len(_LATEST) >= _KEEP:
        _LATEST.clear()
    _LATEST[code] = (tuple(row), workshop)
    return workshop


def seat_of(connection: Connection, participant_id: str) -> tuple[int, str | None] | None:
    """The workshop a participant joined and the table they sit at, or None if there is no
    such participant."""
    row = connection.execute(_SEAT, {"participant_id": participant_id}).first()
    return None if row is None else (row[0], row[1])
