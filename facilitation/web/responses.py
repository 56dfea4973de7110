"""Answers to the facilitator's and participants' htmx actions.

An htmx request gets the fresh fragments straight back (so the screen updates even if its
live connection is down); a plain form post is redirected to the page, as forms expect.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response

from .. import runtime_of
from ..live.fragments import render_facilitator, render_room
from ..services import Runtime
from ..services import room as room_model
from ..services.access import Actor
from .context import as_facilitator


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def facilitator_refresh(workshop_id: int, code: str):  # noqa: ANN201
    """After a facilitator action: the control page's fragments, or back to the page."""
    if not is_htmx():
        return redirect(url_for("facilitator.control", code=code))
    view = room_model.facilitator_view(runtime_of(current_app), workshop_id)
    html = render_room(view.room, "facilitator") + render_facilitator(view)
    return htmx_response(html, 200, reswap="none")


def facilitator_action(code: str, action: Callable[[Runtime, Actor], object]):  # noqa: ANN201
    """A facilitator's change to the room: authorise, make it (the service pushes it to every
    screen), then answer with the control page's fresh fragments."""
    workshop, actor = as_facilitator(code)
    action(runtime_of(current_app), actor)
    return facilitator_refresh(workshop.id, workshop.code)


def participant_refresh(workshop_id: int, code: str, participant_id: str,
                        message: str | None = None):  # noqa: ANN201
    """After a participant's action: their own panel again, or back to the page."""
    if not is_htmx():
        return redirect(url_for("participant.room", code=code))
    view = room_model.my_view(runtime_of(current_app), workshop_id, participant_id)
    html = render_template("partials/_my_panel.html", me=view, state=view.room, oob=True,
                           message=message)
    return htmx_response(html, 200, reswap="none")
