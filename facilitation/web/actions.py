"""Answers to a participant's own forms in Dream, Design and Deliver.

Success: their panel again (htmx) or back to the room page (plain form). Refusal: the same
panel with the message next to the form and everything they typed still in it, so bad input
never loses anything, with or without scripts.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response

from .. import runtime_of
from ..services import room as room_model
from ..services.access import Actor
from ..services.errors import Forbidden, ServiceError
from ..store import Workshop
from .context import workshop_and_actor
from .responses import is_htmx


def as_participant(code: str) -> tuple[Workshop, Actor]:
    workshop, actor = workshop_and_actor(code)
    if not actor.is_participant:
        raise Forbidden("Please join the workshop first.")
    return workshop, actor


def panel(workshop: Workshop, actor: Actor, *, message: str | None = None, error: bool = False,
          status: int = 200, template: str = "partials/_my_panel.html", **extra):  # noqa: ANN201, ANN003
    """The participant's panel (or ballot) after an action, with an optional message."""
    view = room_model.my_view(runtime_of(current_app), workshop.id, actor.participant_id)
    context = {"me": view, "state": view.room, "message": message, "error": error, **extra}
    if is_htmx():
        html = render_template(template, oob=True, **context)
        return htmx_response(html, status, reswap="none")
    if not error:
        return redirect(url_for("participant.room", code=workshop.code))
    return room_page(view, status, **context)


def room_page(view: room_model.MyView, status: int = 200, **context):  # noqa: ANN201, ANN003
    """The whole room page, for browsers without scripts (the panel shows ``context``)."""
    context.setdefault("me", view)
    context.setdefault("state", view.room)
    html = render_template("participant/room.html", workshop=view.room.workshop, sent="",
                           client_id=secrets.token_urlsafe(12), **context)
    return html, status


def participant_action(code: str, action: Callable[[Actor], str | None], *,
                       template: str = "partials/_my_panel.html", **extra):  # noqa: ANN201, ANN003
    """Run ``action`` for the participant; a refusal keeps the submitted form in the panel."""
    workshop, actor = as_participant(code)
    try:
        message = action(actor)
    except ServiceError as exc:
        return panel(workshop, actor, message=exc.message, error=True, status=exc.status,
                     template=template, form=request.form, **extra)
    return panel(workshop, actor, message=message, template=template, **extra)
