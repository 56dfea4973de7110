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
    with rt.store.transaction() as db:
        count = Participant.connections + delta
        db.execute(update(Participant).where(Participant.id == participant_id)
                   .values(connections=case((count < 0, 0), else_=count)))
        workshop_id = db.scalar(select(Participant.workshop_id)
                                .where(Participant.id == participant_id))
    if workshop_id is not None:
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
