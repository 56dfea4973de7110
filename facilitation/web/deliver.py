"""Deliver: commitments and action teams (participants), the next review date and team
tidying (facilitator), and the check-out pulse."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from .. import runtime_of
from ..services import deliver, pulse
from ..services.access import Actor
from .answers import facilitator_action, participant_action

bp = Blueprint("deliver", __name__, url_prefix="/w/<code>")


@bp.post("/commitments")
def commit(code: str) -> ResponseReturnValue:
    def action(actor: Actor) -> str:
        deliver.add_commitment(runtime_of(current_app), actor, request.form)
        return gettext("Thank you: your commitment is on the wall.")
    return participant_action(code, action)


@bp.post("/commitments/<int:commitment_id>/withdraw")
def withdraw(code: str, commitment_id: int) -> ResponseReturnValue:
    def action(actor: Actor) -> str:
        deliver.withdraw_commitment(runtime_of(current_app), actor, commitment_id)
        return gettext("Your commitment is taken back.")
    return participant_action(code, action)


@bp.post("/teams")
def start_team(code: str) -> ResponseReturnValue:
    """A participant starts an action team, and is in it."""
    def action(actor: Actor) -> str:
        deliver.start_team(runtime_of(current_app), actor, request.form)
        return gettext("Your team is started, and you are in it.")
    return participant_action(code, action)


@bp.post("/teams/offer")
def offer_team(code: str) -> ResponseReturnValue:
    """The facilitator offers an action team for people to join (around a statement)."""
    return facilitator_action(code, lambda rt, actor: deliver.start_team(rt, actor, request.form))


@bp.post("/teams/<int:team_id>/join")
def join_team(code: str, team_id: int) -> ResponseReturnValue:
    def action(actor: Actor) -> str:
        deliver.join_team(runtime_of(current_app), actor, team_id,
                          request.form.get("show_name") == "yes")
        return gettext("You have joined the team.")
    return participant_action(code, action)


@bp.post("/teams/<int:team_id>/leave")
def leave_team(code: str, team_id: int) -> ResponseReturnValue:
    def action(actor: Actor) -> str:
        deliver.leave_team(runtime_of(current_app), actor, team_id)
        return gettext("You have left the team.")
    return participant_action(code, action)


@bp.post("/teams/<int:team_id>/remove")
def remove_team(code: str, team_id: int) -> ResponseReturnValue:
    return facilitator_action(code, lambda rt, actor: deliver.remove_team(rt, actor, team_id))


@bp.post("/review")
def review(code: str) -> ResponseReturnValue:
    """The facilitator sets the date the room meets again to review progress."""
    return facilitator_action(code, lambda rt, actor: deliver.set_next_review(
        rt, actor, request.form.get("next_review")))


@bp.post("/pulse")
def check_out(code: str) -> ResponseReturnValue:
    def action(actor: Actor) -> str:
        pulse.answer(runtime_of(current_app), actor, request.form)
        return gettext("Thank you. Your check-out is saved; nobody sees your own answers.")
    return participant_action(code, action)
