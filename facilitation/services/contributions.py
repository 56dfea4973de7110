"""Contributions: what people share in an activity, stored before anyone is told about it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import cycle, kinds
from ..store import Contribution, Workshop
from ..translation import N_
from . import Runtime, authorship, seating
from .access import Actor, require_member
from .errors import Conflict, NotFound
from .once import author_name, client_id_of, refuse_if_locked, store_once
from .text import clean


def contribute(rt: Runtime, actor: Actor, activity_key: object, text: object,
               client_id: object) -> tuple[Contribution, bool]:
    """Store one contribution to the open activity, once per ``client_id``.

    Returns the contribution and whether it is new; a retry with the same client id (after
    a lost acknowledgement or a reconnect) returns the stored one and broadcasts nothing.
    """
    require_member(actor)
    client_id = client_id_of(client_id)
    body = clean(text, "contribution", "Your contribution", multiline=True)

    def write(db: Session) -> Contribution:
        workshop = db.get(Workshop, actor.workshop_id)
        if workshop is None:
            raise NotFound("This workshop no longer exists.")
        activity = rt.plan_for(workshop.plan_name).activity(str(activity_key or ""))
        if not cycle.phase(workshop.phase).open_for_contributions:
            raise Conflict("The room is not collecting contributions right now. "
                           "Your text is kept here until it is.")
        if activity is None or activity.key != workshop.activity_key:
            raise Conflict("The facilitator has moved the room on. Your text is still "
                           "in the box: check the new question and send it again.")
        if not (kind := kinds.of(activity)) or not kind.composer:
            raise Conflict("This activity has its own form. Your text is still in the box.")
        refuse_if_locked(db, workshop, activity, N_(
            "The facilitator has closed this activity for new contributions. Your text is "
            "still in the box."))
        # Anonymous means unlinkable, even for whoever holds the database file: the card
        # keeps only its table, which sees it on its wall anyway (services.seating), and
        # only while the room sits at tables; a card shared before then is the room's.
        contribution = Contribution(
            workshop_id=workshop.id,
            participant_id=None if activity.anonymous else actor.participant_id,
            phase=workshop.phase, activity_key=activity.key, body=body,
            author_name=author_name(db, activity, actor), client_id=client_id,
            owner_tag=authorship.seal(actor.author_key), hidden=False,
            table_label=seating.wall_of(db, workshop, actor.participant_id))
        db.add(contribution)
        authorship.count(db, workshop.id, activity.key, actor.participant_id, +1)
        return contribution

    contribution, created = store_once(rt, actor, Contribution, client_id, write)
    if created:
        rt.broadcaster.contribution_added(actor.workshop_id, contribution.id)
    return contribution, created


def get_visible(rt: Runtime, workshop_id: int, contribution_id: int) -> Contribution | None:
    """One contribution as the room may see it, or None if it is hidden or elsewhere."""
    with rt.store.reading() as db:
        contribution = db.get(Contribution, contribution_id)
    if contribution is None or contribution.workshop_id != workshop_id or contribution.hidden:
        return None
    return contribution
