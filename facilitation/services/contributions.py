"""Contributions: what people share in an activity, stored before anyone is told about it."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import cycle
from ..store import Contribution, Participant, Workshop
from ..store.models import ActivityState
from . import Runtime
from .access import Actor, require_member
from .errors import Conflict, Invalid, NotFound
from .text import clean
from .workshops import plan_for

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def contribute(rt: Runtime, actor: Actor, activity_key: object, text: object,
               client_id: object) -> tuple[Contribution, bool]:
    """Store one contribution to the open activity, once per ``client_id``.

    Returns the contribution and whether it is new; a retry with the same client id (after
    a lost acknowledgement or a reconnect) returns the stored one and broadcasts nothing.
    """
    require_member(actor)
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise Invalid("The message was malformed; please reload the page and try again.")
    body = clean(text, "contribution", "Your contribution", multiline=True)
    existing = _by_client_id(rt, actor.workshop_id, client_id)
    if existing is not None:
        return existing, False
    rt.limits.check_sharing(actor)
    try:
        with rt.store.transaction() as db:
            workshop = db.get(Workshop, actor.workshop_id)
            if workshop is None:
                raise NotFound("This workshop no longer exists.")
            activity = plan_for(rt, workshop.plan_name).activity(str(activity_key or ""))
            if not cycle.phase(workshop.phase).open_for_contributions:
                raise Conflict("The room is not collecting contributions right now. "
                               "Your text is kept here until it is.")
            if activity is None or activity.key != workshop.activity_key:
                raise Conflict("The facilitator has moved the room on. Your text is still "
                               "in the box: check the new question and send it again.")
            if activity.kind not in cycle.COMPOSER_KINDS:
                raise Conflict("This activity has its own form. Your text is still in the box.")
            settings = db.get(ActivityState, (workshop.id, activity.key))
            if settings is not None and settings.locked:
                raise Conflict("The facilitator has closed this activity for new "
                               "contributions. Your text is still in the box.")
            participant = (db.get(Participant, actor.participant_id)
                           if actor.participant_id else None)
            author = None
            if not activity.anonymous and participant is not None:
                author = participant.display_name
            # Anonymous means unlinkable, even for whoever holds the database file: the card
            # keeps only its table, which already sees it on its wall (services.seating).
            contribution = Contribution(
                workshop_id=workshop.id,
                participant_id=None if activity.anonymous else actor.participant_id,
                phase=workshop.phase, activity_key=activity.key, body=body,
                author_name=author, client_id=client_id, hidden=False,
                table_label=participant.table_label if participant else None)
            db.add(contribution)
    except IntegrityError:
        existing = _by_client_id(rt, actor.workshop_id, client_id)
        if existing is None:
            raise
        return existing, False
    rt.broadcaster.contribution_added(actor.workshop_id, contribution.id)
    return contribution, True


def get_visible(rt: Runtime, workshop_id: int, contribution_id: int) -> Contribution | None:
    """One contribution as the room may see it, or None if it is hidden or elsewhere."""
    with rt.store.reading() as db:
        contribution = db.get(Contribution, contribution_id)
    if contribution is None or contribution.workshop_id != workshop_id or contribution.hidden:
        return None
    return contribution


def _by_client_id(rt: Runtime, workshop_id: int, client_id: str) -> Contribution | None:
    with rt.store.reading() as db:
        return db.scalar(select(Contribution).where(Contribution.workshop_id == workshop_id,
                                                    Contribution.client_id == client_id))
