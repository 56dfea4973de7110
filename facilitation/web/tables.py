"""The facilitator's seating choice for big rooms, and the plenary's pages of cards."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import runtime_of
from ..services import seating, views
from ..services.numbers import whole_number
from .context import as_facilitator
from .links import join_link

bp = Blueprint("tables", __name__, url_prefix="/w/<code>")


@bp.post("/seating")
def choose(code: str) -> ResponseReturnValue:
    """Seat the room at tables of about eight, as one room, or automatically by size."""
    workshop, actor = as_facilitator(code)
    seating.choose(runtime_of(current_app), actor, request.form.get("seating", ""))
    return redirect(url_for("facilitator.control", code=workshop.code))


@bp.get("/plenary")
def plenary(code: str) -> ResponseReturnValue:
    """Every card of the current activity, newest first, one page at a time."""
    workshop, _actor = as_facilitator(code)
    # Any page past the last shows the last; anything that is not a page number, the first.
    page = whole_number(request.args.get("page"), largest=10**6) or 1
    rt = runtime_of(current_app)
    state = views.room_summary(rt, workshop.id)
    with rt.store.reading() as db:
        plenary = seating.plenary(db, workshop.id, state.activity.key if state.activity
                                  else None, page)
    return render_template("facilitator/plenary.html", state=state, workshop=state.workshop,
                           plenary=plenary, join_url=join_link(workshop.code))
