"""The facilitator's pages: Define, the lobby, the control page and the projector."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import runtime_of
from ..services import facilitator_sessions, views
from ..services import workshops as workshop_service
from ..services.errors import Invalid
from .answers import facilitator_action
from .context import as_facilitator
from .identity import facilitator_key, remember_facilitator
from .links import facilitator_link, join_link, qr_svg

bp = Blueprint("facilitator", __name__, url_prefix="/w/<code>")


def _page(template: str, code: str, **extra: object) -> ResponseReturnValue:
    workshop, _actor = as_facilitator(code)
    view = views.facilitator_view(runtime_of(current_app), workshop.id)
    key = facilitator_key(workshop)
    return render_template(template, state=view.room, fv=view, workshop=view.room.workshop,
                           plenary=view.plenary,
                           join_url=join_link(workshop.code),
                           private_url=facilitator_link(workshop.code, key) if key else None,
                           new_link=request.args.get("link") == "new", **extra)


@bp.get("/f/<key>")
def login(code: str, key: str) -> ResponseReturnValue:
    """The facilitator's secret link: sign this browser in (a session on the server; the
    cookie gets only its token), then drop the key from the address."""
    workshop = workshop_service.facilitator_login(runtime_of(current_app), code, key)
    remember_facilitator(workshop, key)
    return redirect(url_for("facilitator.control", code=workshop.code))


@bp.post("/private-link")
def new_private_link(code: str) -> ResponseReturnValue:
    """A new private link: the old one stops working and every device signed in to this
    workshop is signed out, this one too; this browser then signs in with the new link."""
    workshop, actor = as_facilitator(code)
    key = facilitator_sessions.replace_key(runtime_of(current_app), actor)
    remember_facilitator(workshop, key)
    return redirect(url_for("facilitator.control", code=workshop.code, link="new"))


@bp.get("/define")
def define(code: str) -> ResponseReturnValue:
    """Define: title and affirmative topic."""
    return _page("facilitator/define.html", code)


@bp.post("/define")
def save_define(code: str) -> ResponseReturnValue:
    workshop, actor = as_facilitator(code)
    try:
        workshop_service.update_define(runtime_of(current_app), actor, request.form)
    except Invalid as exc:
        return _page("facilitator/define.html", code, error=exc.message, form=request.form), 400
    return redirect(url_for("facilitator.lobby", code=workshop.code))


@bp.get("/lobby")
def lobby(code: str) -> ResponseReturnValue:
    """Join code, link and QR code to put on the screen while people arrive."""
    return _page("facilitator/lobby.html", code)


@bp.get("/facilitate")
def control(code: str) -> ResponseReturnValue:
    """The control page: where the room is, what it has shared, and the way forward."""
    return _page("facilitator/control.html", code)


@bp.get("/projector")
def projector(code: str) -> ResponseReturnValue:
    """The big-screen view of the room."""
    return _page("projector.html", code)


@bp.post("/move")
def move(code: str) -> ResponseReturnValue:
    """Step the room forward or back one phase."""
    return facilitator_action(code, lambda rt, actor: workshop_service.move(
        rt, actor, request.form.get("direction", "")))


@bp.post("/activity")
def activity(code: str) -> ResponseReturnValue:
    """Open another activity within the phase."""
    return facilitator_action(code, lambda rt, actor: workshop_service.choose_activity(
        rt, actor, request.form.get("activity", "")))


@bp.get("/qr.svg")
def qr(code: str) -> Response:
    """The join QR code as an image (the join link is not secret)."""
    workshop = workshop_service.find(runtime_of(current_app), code)
    return Response(qr_svg(join_link(workshop.code)), mimetype="image/svg+xml")

