"""The facilitator's tools for any activity: timer, lock and reveal, hide and spotlight."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from .. import runtime_of
from ..services import activities, moderation
from .context import as_facilitator
from .responses import facilitator_refresh

bp = Blueprint("room_tools", __name__, url_prefix="/w/<code>")


@bp.post("/timer")
def timer(code: str):  # noqa: ANN201
    """Start, pause, add minutes to or reset the activity's timer."""
    workshop, actor = as_facilitator(code)
    minutes = request.form.get("minutes")
    seconds = int(minutes) * 60 if minutes and minutes.isdigit() else request.form.get("seconds")
    activities.change_timer(runtime_of(current_app), actor, request.form.get("action", ""),
                            seconds)
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/settings")
def settings(code: str):  # noqa: ANN201
    """Lock or unlock the activity; reveal or hide its results."""
    workshop, actor = as_facilitator(code)
    flag, _, value = request.form.get("change", "").partition("=")
    activities.set_flag(runtime_of(current_app), actor, flag, value == "on")
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/moderate")
def moderate(code: str):  # noqa: ANN201
    """Hide a card or story from everyone, or restore it."""
    workshop, actor = as_facilitator(code)
    kind, _, item_id = request.form.get("item", "").partition(":")
    moderation.set_hidden(runtime_of(current_app), actor, kind, item_id,
                          request.form.get("hidden") == "yes")
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/spotlight")
def spotlight(code: str):  # noqa: ANN201
    """Show one card or story large on the projector (an empty item clears it)."""
    workshop, actor = as_facilitator(code)
    kind, _, item_id = request.form.get("item", "").partition(":")
    moderation.spotlight(runtime_of(current_app), actor, kind, item_id)
    return facilitator_refresh(workshop.id, workshop.code)
