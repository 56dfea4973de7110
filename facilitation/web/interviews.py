"""Pairs and stories: the facilitator forms pairs; participants pair by code, swap turns,
capture their partner's story and answer for their own quotes."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from .. import broadcaster_of, runtime_of
from ..services import pairs, stories, views
from .answers import facilitator_action, participant_action
from .context import as_participant

bp = Blueprint("interviews", __name__, url_prefix="/w/<code>")

# Parts of a participant's own panel that a push can ask them to fetch again.
WHOLE_PANEL = "my-panel"  # no part named: the whole panel
PARTS = {WHOLE_PANEL: "partials/_my_panel.html",
         "my-quotes": "partials/_my_quotes.html",
         "my-votes": "partials/participant/_my_votes.html",
         "my-teams": "partials/participant/_my_teams.html"}


@bp.post("/pairs")
def form_pairs(code: str) -> ResponseReturnValue:
    """Facilitator: pair everyone present at random (again, to re-pair)."""
    return facilitator_action(code, lambda rt, actor: pairs.form_pairs(rt, actor))


@bp.get("/me")
def me(code: str) -> ResponseReturnValue:
    """A participant's own panel (or part of it), fetched when a push says it changed."""
    started = time.perf_counter()
    workshop, actor = as_participant(code)
    rt = runtime_of(current_app)
    view = views.my_view(rt, actor)
    part = request.args.get("part", "")
    part = part if part in PARTS else WHOLE_PANEL
    html = render_template(PARTS[part], me=view, state=view.room, oob=False)
    # A big room's phones spread these fetches by how long they take (live.pace.FetchPace).
    broadcaster_of(current_app).fetch_pace.record(part, time.perf_counter() - started)
    return html


@bp.post("/pair/code")
def offer_code(code: str) -> ResponseReturnValue:
    return participant_action(code, lambda actor: gettext(
        "Read your code to your colleague: %(code)s",
        code=pairs.offer_pair_code(runtime_of(current_app), actor)))


@bp.post("/pair/join")
def join_code(code: str) -> ResponseReturnValue:
    return participant_action(code, lambda actor: pairs.pair_by_code(
        runtime_of(current_app), actor, request.form.get("pair_code")) or gettext("You are paired."))


@bp.post("/pair/swap")
def swap(code: str) -> ResponseReturnValue:
    return participant_action(code, lambda actor: pairs.swap_turn(
        runtime_of(current_app), actor) or gettext("Turns swapped."))


@bp.post("/story")
def save_story(code: str) -> ResponseReturnValue:
    return participant_action(code, lambda actor: stories.save_story(
        runtime_of(current_app), actor, request.form) and gettext("Story saved."))


@bp.post("/quote")
def answer_quote(code: str) -> ResponseReturnValue:
    return participant_action(code, lambda actor: stories.answer_quote(
        runtime_of(current_app), actor, request.form.get("story"),
        request.form.get("answer") == "yes") or gettext("Thank you: your answer is saved."))
