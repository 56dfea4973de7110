"""Design: design areas (facilitator), provocative propositions and their improvement with a
version check (participants), and wording hints that advise without ever blocking."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_htmx import make_response as htmx_response
from markupsafe import Markup

from .. import runtime_of
from ..services import design, views
from ..services.access import Actor
from ..statement_advice import proposition_hints
from .answers import facilitator_action, is_htmx, panel, participant_action, room_page
from .context import as_participant, workshop_and_actor

bp = Blueprint("design", __name__, url_prefix="/w/<code>/design")


@bp.post("/propositions")
def add(code: str) -> ResponseReturnValue:
    def action(actor: Actor) -> str:
        design.add_proposition(runtime_of(current_app), actor, request.form)
        return gettext("Your statement is on the wall. Others can now improve it and vote.")
    return participant_action(code, action)


@bp.get("/propositions/<int:proposition_id>/edit")
def edit(code: str, proposition_id: int) -> ResponseReturnValue:
    """The editor for improving one statement, holding the version it starts from (inside
    the page for browsers without scripts)."""
    workshop, actor = as_participant(code)
    rt = runtime_of(current_app)
    proposition = design.for_editing(rt, actor, proposition_id)
    html = render_template("partials/participant/_proposition_editor.html",
                           proposition_id=proposition.id, version=proposition.version,
                           text=proposition.text, theirs=None, code=code,
                           hints=proposition_hints(proposition.text))
    if is_htmx():
        return html
    return room_page(views.my_view(rt, actor),
                     editor=Markup(html))


@bp.post("/propositions/<int:proposition_id>")
def improve(code: str, proposition_id: int) -> ResponseReturnValue:
    """Save an improvement; on a conflict answer 409 with both texts and nothing overwritten."""
    workshop, actor = as_participant(code)
    text = request.form.get("text", "")
    try:
        design.improve_proposition(runtime_of(current_app), actor, proposition_id, text,
                                   request.form.get("version"))
    except design.EditConflict as conflict:
        html = render_template("partials/participant/_proposition_editor.html",
                               proposition_id=conflict.proposition_id,
                               version=conflict.version, text=conflict.yours,
                               theirs=conflict.theirs, message=conflict.message, code=code,
                               hints=proposition_hints(conflict.yours))
        if is_htmx():
            return htmx_response(html, 409, retarget="#proposition-editor",
                                 reswap="innerHTML")
        # The editor itself carries the message, next to both texts.
        return panel(workshop, actor, error=True, status=409, editor=Markup(html))
    return panel(workshop, actor, message=gettext("Saved. Thank you for making it better."))


@bp.post("/hints")
def hints(code: str) -> ResponseReturnValue:
    """Wording hints for the text typed so far: advice only, nothing is stored."""
    _workshop, actor = workshop_and_actor(code)
    if actor.role == "stranger":
        return "", 204
    return render_template("partials/participant/_hints.html",
                           hints=proposition_hints(request.form.get("text", "")[:2000]))


@bp.post("/areas")
def add_area(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: design.add_area(
        rt, actor, request.form.get("name")))


@bp.post("/areas/rename")
def rename_area(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: design.rename_area(
        rt, actor, request.form.get("area"), request.form.get("name")))


@bp.post("/areas/remove")
def remove_area(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: design.remove_area(
        rt, actor, request.form.get("area")))
