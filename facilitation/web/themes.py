"""The theme board: the facilitator builds the positive core (no dragging required)."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from .. import runtime_of
from ..services import themes
from .context import as_facilitator
from .responses import facilitator_refresh

bp = Blueprint("themes", __name__, url_prefix="/w/<code>/themes")


@bp.post("/new")
def create(code: str):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.create_theme(runtime_of(current_app), actor, request.form.get("name"),
                        request.form.getlist("item"))
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/move")
def move(code: str):  # noqa: ANN201
    """Move a card to a theme (form select, or a drop on the board)."""
    workshop, actor = as_facilitator(code)
    themes.move_item(runtime_of(current_app), actor, request.form.get("item"),
                     request.form.get("theme"))
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/<int:theme_id>/rename")
def rename(code: str, theme_id: int):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.rename_theme(runtime_of(current_app), actor, theme_id, request.form.get("name"))
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/<int:theme_id>/merge")
def merge(code: str, theme_id: int):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.merge_themes(runtime_of(current_app), actor, theme_id, request.form.get("into"))
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/<int:theme_id>/split")
def split(code: str, theme_id: int):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.split_theme(runtime_of(current_app), actor, theme_id, request.form.getlist("item"),
                       request.form.get("name"))
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/<int:theme_id>/delete")
def delete(code: str, theme_id: int):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.delete_theme(runtime_of(current_app), actor, theme_id)
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/undo")
def undo(code: str):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.undo(runtime_of(current_app), actor)
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/suggestions/accept")
def accept(code: str):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.accept_suggestion(runtime_of(current_app), actor, request.form.get("label"),
                             request.form.getlist("item"), request.form.get("signature", ""))
    return facilitator_refresh(workshop.id, workshop.code)


@bp.post("/suggestions/reject")
def reject(code: str):  # noqa: ANN201
    workshop, actor = as_facilitator(code)
    themes.reject_suggestion(runtime_of(current_app), actor, request.form.get("signature"))
    return facilitator_refresh(workshop.id, workshop.code)
