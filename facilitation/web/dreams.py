"""Dream: participants share dreams and place their dots; the facilitator sets the number of
dots. Totals stay hidden until the facilitator reveals them (POST /settings)."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from .. import runtime_of
from ..services import dreams, votes
from ..services.access import Actor
from .answers import facilitator_action, participant_action

bp = Blueprint("dreaming", __name__, url_prefix="/w/<code>")


@bp.post("/dreams")
def add(code: str) -> ResponseReturnValue:
    """A participant shares a dream, optionally linked to themes of the positive core."""
    def action(actor: Actor) -> str:
        _dream, created = dreams.add_dream(runtime_of(current_app), actor,
                                           request.form.get("text"),
                                           request.form.getlist("theme"),
                                           request.form.get("client_id"))
        return gettext("Your dream is on the wall.") if created else gettext("Your dream was already shared.")
    return participant_action(code, action)


@bp.post("/votes")
def vote(code: str) -> ResponseReturnValue:
    """Add one of my dots to an item, or take one back; only my ballot changes. The button
    pressed says which: ``dot=add contribution:12`` or ``dot=remove contribution:12``."""
    move, _, target = request.form.get("dot", "").partition(" ")

    def action(actor: Actor) -> str:
        rt = runtime_of(current_app)
        if move == "remove":
            votes.take_back_dot(rt, actor, target)
            return gettext("Dot taken back.")
        votes.place_dot(rt, actor, target)
        return gettext("Dot placed.")
    return participant_action(code, action, template="partials/participant/_my_votes.html",
                              message_ref=target)


@bp.post("/dots")
def dots(code: str) -> ResponseReturnValue:
    """The facilitator changes how many dots each person has in the current vote."""
    return facilitator_action(code, lambda rt, actor: votes.set_dots(
        rt, actor, request.form.get("dots")))
