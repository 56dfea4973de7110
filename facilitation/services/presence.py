"""Who is in the room now: a count of open live connections per participant.

Kept in the database (not process memory) so several server processes agree. Counts are
only ever shown as totals, never as names.
"""

from __future__ import annotations

from sqlalchemy import case, select, update

from ..store import Participant
from . import Runtime


def connected(rt: Runtime, participant_id: str, delta: int) -> None:
    """A tab of this participant opened (+1) or closed (-1) its live connection."""
    changed(rt, {participant_id: delta})


def changed(rt: Runtime, deltas: dict[str, int]) -> None:
    """Several participants' tabs opened or closed their live connections (participant id ->
    change): one transaction, then one refresh of each workshop's counts."""
    workshops: set[int] = set()
    with rt.store.transaction() as db:
        for participant_id, delta in deltas.items():
            if not delta:
                continue
            count = Participant.connections + delta
            db.execute(update(Participant).where(Participant.id == participant_id)
                       .values(connections=case((count < 0, 0), else_=count)))
            workshop_id = db.scalar(select(Participant.workshop_id)
                                    .where(Participant.id == participant_id))
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
