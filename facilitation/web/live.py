"""The resynchronisation endpoint a browser calls on every (re)connect.

Socket.IO does not replay what was pushed while a phone slept, so the browser asks here for
the whole view, as the same fragments a push would carry.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from .. import broadcaster_of, runtime_of
from ..live.fragments import render_facilitator, render_room
from ..services import views
from ..services.access import require_member
from .context import workshop_and_actor

bp = Blueprint("live", __name__, url_prefix="/w/<code>")


@bp.get("/state")
def state(code: str) -> ResponseReturnValue:
    """The whole view of whoever asks, as fragments."""
    started = time.perf_counter()
    workshop, actor = workshop_and_actor(code)
    require_member(actor)
    rt = runtime_of(current_app)
    if actor.is_facilitator and request.args.get("view") == "projector":
        view = views.facilitator_view(rt, workshop.id)
        return render_room(view.room, "projector", view.plenary)
    if actor.is_facilitator:
        view = views.facilitator_view(rt, workshop.id)
        return render_room(view.room, "facilitator") + render_facilitator(view)
    mine = views.my_view(rt, actor)
    html = render_room(mine.room, "participant") + render_template(
        "partials/_my_panel.html", me=mine, state=mine.room, oob=True)
    # Phones told by a beat that they missed a push spread their fetches by this (heartbeat.py).
    broadcaster_of(current_app).fetch_pace.record("state", time.perf_counter() - started)
    return html
