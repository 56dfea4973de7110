"""The resynchronisation endpoint a browser calls on every (re)connect.

Socket.IO does not replay what was pushed while a phone slept, so the browser asks here for
the whole view, as the same fragments a push would carry.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from .. import big_room, runtime_of
from ..services.access import require_member
from .context import workshop_and_actor

bp = Blueprint("live", __name__, url_prefix="/w/<code>")


@bp.get("/state")
def state(code: str):  # noqa: ANN201
    workshop, actor = workshop_and_actor(code)
    require_member(actor)
    room_state, seated = big_room.view_state(runtime_of(current_app), workshop.id, actor)
    view = "facilitator" if actor.is_facilitator else "participant"
    html = big_room.render_view(room_state, view, **seated)
    if actor.is_facilitator:
        html += render_template("partials/_controls.html", state=room_state)
    return html
