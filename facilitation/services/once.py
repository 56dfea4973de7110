"""What every form a participant sends goes through: the open activity, and storing it once.

A phone sends each card, dream, statement and commitment with an id of its own, and sends it
again after a lost acknowledgement or a reconnect. The same id must find the row already
stored, never a second one, and a refusal must say why in words that keep the person's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import cycle, kinds
from ..kinds import Kind
from ..plans import Activity, Plan
from ..store import Participant, Workshop
from ..store.models import ActivityState
from . import Runtime
from .access import Actor
from .errors import Conflict, Invalid, NotFound

# What a browser may use as the idempotency key of something it sends.
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

Row = TypeVar("Row")


def client_id_of(value: object) -> str:
    """The sender's id for this piece of work, or a refusal if the form was tampered with."""
    if not isinstance(value, str) or not CLIENT_ID.match(value):
        raise Invalid("The form was malformed; please reload the page and try again.")
    return value


def store_once(rt: Runtime, actor: Actor, model: type[Row], client_id: str,
               write: Callable[[Session], Row]) -> tuple[Row, bool]:
    """Run ``write`` in a transaction unless ``client_id`` already stored a ``model`` row.

    Returns the row and whether it is new. Only new work counts against the sharing limit;
    if two copies race, the database's unique key keeps one and the other finds it.
    """
    existing = _stored(rt, model, actor.workshop_id, client_id)
    if existing is not None:
        return existing, False
    rt.limits.check_sharing(actor)
    try:
        with rt.store.transaction() as db:
            row = write(db)
    except IntegrityError:
        existing = _stored(rt, model, actor.workshop_id, client_id)
        if existing is None:
            raise
        return existing, False
    return row, True


def open_activity(db: Session, rt: Runtime, actor: Actor, kind: Kind, moved_on: str,
                  locked: str) -> tuple[Workshop, Plan, Activity]:
    """The room's current activity if it is of ``kind`` and open; else refuse with
    ``moved_on`` or ``locked`` (marked messages that tell people their text is kept)."""
    workshop = db.get(Workshop, actor.workshop_id)
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    plan = rt.plan_for(workshop.plan_name)
    activity = plan.activity(workshop.activity_key)
    if (activity is None or kinds.of(activity) is not kind
            or not cycle.phase(workshop.phase).open_for_contributions):
        raise Conflict(moved_on)
    refuse_if_locked(db, workshop, activity, locked)
    return workshop, plan, activity


def refuse_if_locked(db: Session, workshop: Workshop, activity: Activity, message: str) -> None:
    """The facilitator closed this activity: say so with ``message``."""
    settings = db.get(ActivityState, (workshop.id, activity.key))
    if settings is not None and settings.locked:
        raise Conflict(message)


def author_name(db: Session, activity: Activity, actor: Actor) -> str | None:
    """The name shown with what someone shares: only in a named activity, and only if given."""
    if activity.anonymous or not actor.participant_id:
        return None
    person = db.get(Participant, actor.participant_id)
    return person.display_name if person else None


def _stored(rt: Runtime, model: type[Row], workshop_id: int, client_id: str) -> Row | None:
    with rt.store.reading() as db:
        return db.scalar(select(model).where(model.workshop_id == workshop_id,  # type: ignore[attr-defined]
                                             model.client_id == client_id))  # type: ignore[attr-defined]
