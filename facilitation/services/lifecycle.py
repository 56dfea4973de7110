"""The end of a workshop's data: deleted by its facilitator, or when the retention period ends.

Deleting the workshop row deletes everything in it: every table reaches ``workshops`` through
foreign keys with ON DELETE CASCADE (a test walks the schema to keep it so). On SQLite,
``secure_delete`` (see store.database) overwrites the freed pages and a checkpoint empties the
write-ahead log, so the words are gone from the files too, not merely unlinked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from ..store import Workshop
from . import Runtime
from .access import Actor, normalise_code, require_facilitator
from .errors import Invalid, NotFound


def delete_workshop(rt: Runtime, actor: Actor, typed_code: object) -> str:
    """The facilitator deletes the workshop after typing its join code; returns its title.

    Everyone still connected is told at once and their live connection is closed.
    """
    require_facilitator(actor)
    with rt.store.transaction() as db:
        workshop = db.get(Workshop, actor.workshop_id)
        if workshop is None:
            raise NotFound("This workshop no longer exists.")
        if normalise_code(str(typed_code or "")) != workshop.code:
            raise Invalid("To delete, type the join code %(code)s in the box. "
                          "Nothing has been deleted.", code=workshop.code)
        title = workshop.title
        db.execute(delete(Workshop).where(Workshop.id == workshop.id))
    rt.store.forget_deleted()
    rt.broadcaster.workshop_deleted(actor.workshop_id)
    return title


def delete_expired(rt: Runtime, days: int, now: datetime | None = None) -> int:
    """Delete every workshop created more than ``days`` days ago; returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    with rt.store.reading() as db:
        expired = list(db.scalars(select(Workshop.id).where(Workshop.created_at < cutoff)))
    for workshop_id in expired:
        with rt.store.transaction() as db:
            db.execute(delete(Workshop).where(Workshop.id == workshop_id))
        rt.broadcaster.workshop_deleted(workshop_id)
    if expired:
        rt.store.forget_deleted()
    return len(expired)
