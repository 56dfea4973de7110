"""The participant's pages: join (name optional), then the room on their phone."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from .. import runtime_of
from ..services import contributions as contribution_service
from ..services import seating, views
from ..services import workshops as workshop_service
from ..services.access import Actor
from ..services.errors import ServiceError, TooMany
from .context import workshop_and_actor
from .identity import remember_participant
from .join_page import join_page
from .sender import address, device_id

bp = Blueprint("participant", __name__, url_prefix="/w/<code>")


@bp.get("/join")
def join(code: str) -> ResponseReturnValue:
    workshop, actor = workshop_and_actor(code)
    if actor.is_facilitator:
        return redirect(url_for("facilitator.control", code=workshop.code))
    if actor.is_participant:
        return redirect(url_for("participant.room", code=workshop.code))
    return join_page(workshop)


@bp.post("/join")
def join_submit(code: str) -> ResponseReturnValue:
    workshop, actor = workshop_and_actor(code)
    if actor.is_facilitator:  # joining would swap their facilitator key for a participant id
        return redirect(url_for("facilitator.control", code=workshop.code))
    if actor.is_participant:
        return redirect(url_for("participant.room", code=workshop.code))
    try:
        participant_id = workshop_service.join(runtime_of(current_app), workshop.id,
                                               request.form.get("display_name"),
                                               device=device_id(), address=address())
    except ServiceError as exc:
        page = make_response(render_template(
            "participant/join.html", workshop=workshop, error=exc.message,
            name=request.form.get("display_name", "")), exc.status)
        if isinstance(exc, TooMany):
            page.headers["Retry-After"] = str(exc.retry_after)
        return page
    remember_participant(workshop.code, participant_id)
    return redirect(url_for("participant.room", code=workshop.code))


@bp.get("/")
def room(code: str) -> ResponseReturnValue:
    """The room on a phone: the phase, its question, a box to write in, and what others shared."""
    workshop, actor = workshop_and_actor(code)
    if actor.is_facilitator:
        return redirect(url_for("facilitator.control", code=workshop.code))
    if not actor.is_participant:
        return redirect(url_for("participant.join", code=workshop.code))
    return _render_room(actor)


@bp.get("/board")
def board(code: str) -> ResponseReturnValue:
    """All of a long list a phone was sent only part of (live.fragments.PHONE_SHOWS): the wall as
    the projector shows it, read when asked for, never pushed."""
    workshop, actor = workshop_and_actor(code)
    if actor.is_facilitator:
        return redirect(url_for("facilitator.projector", code=workshop.code))
    if not actor.is_participant:
        return redirect(url_for("participant.join", code=workshop.code))
    rt = runtime_of(current_app)
    state = views.table_state(rt, workshop.id, seating.table_of(rt, actor.participant_id))
    return render_template("participant/board.html", state=state, workshop=workshop)


@bp.post("/contribute")
def contribute(code: str) -> ResponseReturnValue:
    """The plain-form way to share, for when scripts or the live connection are unavailable."""
    workshop, actor = workshop_and_actor(code)
    client_id = request.form.get("client_id", "")
    try:
        contribution_service.contribute(runtime_of(current_app), actor,
                                         request.form.get("activity"), request.form.get("text"),
                                         client_id)
    except ServiceError as exc:
        if not actor.is_participant:
            raise
        return _render_room(actor, error=exc.message,
                            text=request.form.get("text", ""),
                            client_id=client_id), exc.status
    return redirect(url_for("participant.room", code=workshop.code, sent=client_id))


def _render_room(actor: Actor, **extra: object) -> ResponseReturnValue:
    mine = views.my_view(runtime_of(current_app), actor)
    extra.setdefault("client_id", secrets.token_urlsafe(12))
    return render_template("participant/room.html", state=mine.room, me=mine,
                           workshop=mine.room.workshop, sent=request.args.get("sent", ""),
                           **extra)
