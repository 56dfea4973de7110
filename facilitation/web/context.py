"""Load the workshop named in a URL and the person asking, for the route handlers."""

from __future__ import annotations

from flask import current_app

from .. import runtime_of
from ..services import workshops as workshop_service
from ..services.access import Actor, require_facilitator
from ..services.errors import Forbidden
from ..store import Workshop
from .identity import actor_for


def workshop_and_actor(code: str) -> tuple[Workshop, Actor]:
    workshop = workshop_service.find(runtime_of(current_app), code)
    return workshop, actor_for(workshop)


def as_facilitator(code: str) -> tuple[Workshop, Actor]:
    """Refuse everyone but this workshop's facilitator (participants and strangers alike)."""
    workshop, actor = workshop_and_actor(code)
    try:
        require_facilitator(actor)
    except Forbidden:
        raise Forbidden("This page is for the workshop's facilitator. If that is you, open "
                        "your private facilitator link again.") from None
    return workshop, actor


def as_participant(code: str) -> tuple[Workshop, Actor]:
    """Refuse everyone who has not joined this workshop."""
    workshop, actor = workshop_and_actor(code)
    if not actor.is_participant:
        raise Forbidden("Please join the workshop first.")
    return workshop, actor
