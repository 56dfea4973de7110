"""The facilitator's moderation: hide or restore a card or story, spotlight one on the
projector. Authorship is never revealed by any of it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..store import Contribution, Workshop
from ..store.models import Commitment, Proposition, Story
from . import Runtime
from .access import Actor, require_facilitator
from .errors import Invalid, NotFound
from .numbers import record_id

ITEM_TABLES = {"contribution": Contribution, "story": Story, "proposition": Proposition,
               "commitment": Commitment}


def _item(db: Session, actor: Actor, item_type: str,
          item_id: object) -> Contribution | Story | Proposition | Commitment:
    table = ITEM_TABLES.get(item_type)
    if table is None:
        raise Invalid("That is not something that can be moderated.")
    item = db.get(table, record_id(item_id))
    if item is None or item.workshop_id != actor.workshop_id:
        raise NotFound("That card is no longer there.")
    return item


def set_hidden(rt: Runtime, actor: Actor, item_type: str, item_id: object, hidden: bool) -> None:
    """Hide a card or story from every view and export, or bring it back."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        item = _item(db, actor, item_type, item_id)
        item.hidden = bool(hidden)
        workshop = db.get(Workshop, actor.workshop_id)
        if hidden and workshop.spotlight == f"{item_type}:{item.id}":
            workshop.spotlight = None
    rt.broadcaster.board_changed(actor.workshop_id)


def spotlight(rt: Runtime, actor: Actor, item_type: str, item_id: object) -> None:
    """Show one card or story large on the projector; an empty type clears it."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        workshop = db.get(Workshop, actor.workshop_id)
        if not item_type:
            workshop.spotlight = None
        else:
            item = _item(db, actor, item_type, item_id)
            if item.hidden:
                raise Invalid("A hidden card cannot be spotlighted.")
            workshop.spotlight = f"{item_type}:{item.id}"
    rt.broadcaster.board_changed(actor.workshop_id)
