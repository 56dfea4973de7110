"""The theme board: the facilitator builds the positive core (no dragging required)."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from ..services import themes
from .answers import facilitator_action

bp = Blueprint("positive_core", __name__, url_prefix="/w/<code>/themes")


@bp.post("/new")
def create(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.create_theme(
        rt, actor, request.form.get("name"), request.form.getlist("item")))


@bp.post("/move")
def move(code: str) -> ResponseReturnValue:
    """Move a card to a theme (form select, or a drop on the board)."""
    return facilitator_action(code, lambda rt, actor: themes.move_item(
        rt, actor, request.form.get("item"), request.form.get("theme")))


@bp.post("/<int:theme_id>/rename")
def rename(code: str, theme_id: int) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.rename_theme(
        rt, actor, theme_id, request.form.get("name")))


@bp.post("/<int:theme_id>/merge")
def merge(code: str, theme_id: int) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.merge_themes(
        rt, actor, theme_id, request.form.get("into")))


@bp.post("/<int:theme_id>/split")
def split(code: str, theme_id: int) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.split_theme(
        rt, actor, theme_id, request.form.getlist("item"), request.form.get("name")))


@bp.post("/<int:theme_id>/delete")
def delete(code: str, theme_id: int) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.delete_theme(rt, actor, theme_id))


@bp.post("/undo")
def undo(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.undo(rt, actor))


@bp.post("/suggestions/accept")
def accept(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.accept_suggestion(
        rt, actor, request.form.get("label"), request.form.getlist("item"),
        request.form.get("signature", "")))


@bp.post("/suggestions/reject")
def reject(code: str) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: themes.reject_suggestion(
        rt, actor, request.form.get("signature")))
