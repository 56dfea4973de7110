"""Who is in the room now: a count of open live connections per participant.

Kept in the database (not process memory) so several server processes agree. Counts are
only ever shown as totals, never as names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.orm import Session

from ..store import Participant
from . import Runtime
from .group_commit import Queued


@dataclass
class _Change:
    """One tab's live connection opening or closing, as queued (group_commit.py)."""

    participant_id: str
    delta: int
    workshop_id: int | None = None  # found by the write, unless given


def connected(rt: Runtime, participant_id: str, delta: int,
              workshop_id: int | None = None) -> None:
    """A tab of this participant (of ``workshop_id``, if the caller knows) opened (+1) or
    closed (-1) its live connection. Returns once the change is written; tabs opening at the
    same moment (a summit arriving) are written in one transaction (group_commit.py). Then
    the facilitator's counts are refreshed."""
    change = _Change(participant_id, delta, workshop_id)
    rt.arrivals.submit(rt.store, change, _write_changes)
    if change.workshop_id is not None:
        rt.broadcaster.connections_changed(change.workshop_id)


def _write_changes(db: Session, batch: list[Queued[_Change]]) -> None:
    changes = [queued.item for queued in batch if queued.item.delta]
    if changes:
        db.execute(_CHANGE, [{"participant_id": change.participant_id, "delta": change.delta}
                             for change in changes])
    for change in changes:
        if change.workshop_id is None:
            change.workshop_id = db.scalar(_WORKSHOP,
                                           {"participant_id": change.participant_id})


_PARTICIPANTS = Participant.__table__
_COUNT = _PARTICIPANTS.c.connections + bindparam("delta")
# Built once: a phone connecting runs these, and building them (and expanding an IN list)
# cost more than the database's own work.
_CHANGE = (update(_PARTICIPANTS).where(_PARTICIPANTS.c.id == bindparam("participant_id"))
           .values(connections=case((_COUNT < 0, 0), else_=_COUNT)))
_WORKSHOP = select(_PARTICIPANTS.c.workshop_id).where(
    _PARTICIPANTS.c.id == bindparam("participant_id"))


def changed(rt: Runtime, deltas: dict[str, int]) -> None:
    """Several participants' tabs opened or closed their live connections (participant id ->
    change): one transaction, then one refresh of each workshop's counts."""
    changes = [{"participant_id": participant_id, "delta": delta}
               for participant_id, delta in deltas.items() if delta]
    if not changes:
        return
    workshops: set[int] = set()
    # Forgotten at every start of a single server (forget_all_connections), so not worth a
    # wait for the disk at every phone that connects.
    with rt.store.transaction(durable=False) as db:
        db.execute(_CHANGE, changes)
        for change in changes:
            workshop_id = db.scalar(_WORKSHOP, {"participant_id": change["participant_id"]})
            if workshop_id is not None:
                workshops.add(workshop_id)
    for workshop_id in sorted(workshops):
        rt.broadcaster.connections_changed(workshop_id)


def forget_all_connections(rt: Runtime) -> None:
    """At start-up of a single server nobody is connected yet, whatever was stored."""
    with rt.store.transaction() as db:
        db.execute(update(Participant).where(Participant.connections != 0)
                   .values(connections=0))


def present_ids(rt: Runtime, workshop_id: int) -> list[str]:
    """Participants with a live connection, oldest joiner first."""
    with rt.store.reading() as db:
        return list(db.scalars(select(Participant.id)
                               .where(Participant.workshop_id == workshop_id,
                                      Participant.connections > 0)
                               .order_by(Participant.joined_at, Participant.id)))


def workshop_of(rt: Runtime, participant_id: str) -> int | None:
    """The workshop a participant belongs to, if they still exist."""
    with rt.store.reading() as db:
        return db.scalar(select(Participant.workshop_id).where(Participant.id == participant_id))
