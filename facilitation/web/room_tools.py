"""The facilitator's tools for any activity: timer, lock and reveal, hide and spotlight."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ..services import activities, moderation
from ..services.numbers import whole_number
from .answers import facilitator_action

bp = Blueprint("room_tools", __name__, url_prefix="/w/<code>")


@bp.post("/timer")
def timer(code: str) -> ResponseReturnValue:
    """Start, pause, add minutes to or reset the activity's timer."""
    minutes = whole_number(request.form.get("minutes"), largest=24 * 60)
    seconds = minutes * 60 if minutes is not None else request.form.get("seconds")
    return facilitator_action(code, lambda rt, actor: activities.change_timer(
        rt, actor, request.form.get("action", ""), seconds))


@bp.post("/settings")
def settings(code: str) -> ResponseReturnValue:
    """Lock or unlock the activity; reveal or hide its results."""
    flag, _, value = request.form.get("change", "").partition("=")
    return facilitator_action(code, lambda rt, actor: activities.set_flag(
        rt, actor, flag, value == "on"))


@bp.post("/moderate")
def moderate(code: str) -> ResponseReturnValue:
    """Hide a card or story from everyone, or restore it."""
    kind, _, item_id = request.form.get("item", "").partition(":")
    return facilitator_action(code, lambda rt, actor: moderation.set_hidden(
        rt, actor, kind, item_id, request.form.get("hidden") == "yes"))


@bp.post("/spotlight")
def spotlight(code: str) -> ResponseReturnValue:
    """Show one card or story large on the projector (an empty item clears it)."""
    kind, _, item_id = request.form.get("item", "").partition(":")
    return facilitator_action(code, lambda rt, actor: moderation.spotlight(
        rt, actor, kind, item_id))
