"""How every route answers a person's action: the one place for it.

An htmx request gets the fresh fragments straight back (so the screen updates even if its
live connection is down); a plain form post is redirected to the page, as forms expect. A
participant's refused form comes back with the message beside it and everything they typed
still in it, with or without scripts: bad input never loses anything.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from werkzeug.wrappers import Response

from .. import runtime_of
from ..live.fragments import render_facilitator, render_room
from ..services import Runtime, views
from ..services.access import Actor
from ..services.errors import ServiceError
from ..store import Workshop
from .context import as_facilitator, as_participant

# A Flask view's answer: a response, or a body with its status.
Answer = Response | str | tuple[str, int]


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def facilitator_action(code: str, action: Callable[[Runtime, Actor], object]) -> Answer:
    """A facilitator's change to the room: authorise, make it (the service pushes it to every
    screen), then answer with the control page's fresh fragments."""
    workshop, actor = as_facilitator(code)
    action(runtime_of(current_app), actor)
    return facilitator_refresh(workshop.id, workshop.code)


def facilitator_refresh(workshop_id: int, code: str) -> Answer:
    """After a facilitator action: the control page's fragments, or back to the page."""
    if not is_htmx():
        return redirect(url_for("facilitator.control", code=code))
    view = views.facilitator_view(runtime_of(current_app), workshop_id)
    html = render_room(view.room, "facilitator") + render_facilitator(view)
    return htmx_response(html, 200, reswap="none")


def participant_action(code: str, action: Callable[[Actor], str | None], *,
                       template: str = "partials/_my_panel.html", **extra: object) -> Answer:
    """Run ``action`` for the participant and answer with their panel and its message; a
    refusal keeps the submitted form in the panel."""
    workshop, actor = as_participant(code)
    try:
        message = action(actor)
    except ServiceError as exc:
        return panel(workshop, actor, message=exc.message, error=True, status=exc.status,
                     template=template, form=request.form, **extra)
    return panel(workshop, actor, message=message, template=template, **extra)


def panel(workshop: Workshop, actor: Actor, *, message: str | None = None, error: bool = False,
          status: int = 200, template: str = "partials/_my_panel.html",
          **extra: object) -> Answer:
    """The participant's panel (or ballot) after an action, with an optional message."""
    view = views.my_view(runtime_of(current_app), actor)
    context = {"me": view, "state": view.room, "message": message, "error": error, **extra}
    if is_htmx():
        html = render_template(template, oob=True, **context)
        return htmx_response(html, status, reswap="none")
    if not error:
        return redirect(url_for("participant.room", code=workshop.code))
    return room_page(view, status, **context)


def room_page(view: views.MyView, status: int = 200, **context: object) -> Answer:
    """The whole room page, for browsers without scripts (the panel shows ``context``)."""
    context.setdefault("me", view)
    context.setdefault("state", view.room)
    html = render_template("participant/room.html", workshop=view.room.workshop, sent="",
                           client_id=secrets.token_urlsafe(12), **context)
    return html, status
