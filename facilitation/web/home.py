"""The front door: join with a code, or start a new workshop from a plan."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

from .. import runtime_of
from ..i18n import LANGUAGES
from ..services import workshops as workshop_service
from ..services.access import normalise_code
from ..services.errors import NotFound
from . import participant
from .identity import remember_facilitator

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Home: a join-code box for participants and a start button for facilitators."""
    return render_template("home.html", code=request.args.get("code", ""))


@bp.post("/join")
def join_by_code() -> ResponseReturnValue:
    """A participant typed a code on the home page."""
    code = normalise_code(request.form.get("code", ""))
    try:
        workshop = workshop_service.find(runtime_of(current_app), code)
    except NotFound as exc:
        return render_template("home.html", code=request.form.get("code", ""),
                               code_error=exc.message), 404
    return redirect(url_for("participant.join", code=workshop.code))


@bp.get("/j/<code>")
def short_join(code: str) -> ResponseReturnValue:
    """The short link inside the QR code: the join page itself, with no redirect first (a
    round trip costs a phone on poor Wi-Fi most of a second)."""
    return participant.join(normalise_code(code))


@bp.get("/start")
def start() -> ResponseReturnValue:
    """Choose a plan for a new workshop."""
    plans = runtime_of(current_app).plans
    return render_template("start.html", plans=plans.values())


@bp.post("/start")
def create() -> ResponseReturnValue:
    """Create the workshop; this browser becomes its facilitator."""
    workshop, key = workshop_service.create(runtime_of(current_app),
                                            request.form.get("plan", ""),
                                            request.form.get("title"))
    remember_facilitator(workshop.code, key)
    return redirect(url_for("facilitator.define", code=workshop.code))


@bp.post("/language")
def choose_language() -> ResponseReturnValue:
    """Remember the person's language and return them to the page they were on."""
    language = request.form.get("lang", "")
    if language in LANGUAGES:
        session["lang"] = language
    back = request.form.get("next", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"  # only ever back to a page of this site
    return redirect(back)


@bp.get("/accessibility")
def accessibility() -> ResponseReturnValue:
    """The accessibility statement: what was tested and how, in the public-sector form."""
    return render_template("accessibility.html")
