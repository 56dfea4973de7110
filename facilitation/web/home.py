"""The front door: join with a code, or start a new workshop from a plan."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

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
    remember_facilitator(workshop, key)
    return redirect(url_for("facilitator.define", code=workshop.code))


@bp.post("/language")
def choose_language() -> ResponseReturnValue:
    """Remember the person's language and return them to the page they were on."""
    language = request.form.get("lang", "")
    if language in LANGUAGES:
        session["lang"] = language
    return redirect(page_of_this_site(request.form.get("next", "/")))


def page_of_this_site(back: str) -> str:
    """``back`` if a browser would read it as a page of this site, else the home page.

    Browsers drop tabs and line breaks from an address and read a backslash as a slash, so
    "/\t/evil.example/" and "/\\evil.example" both lead to another site: they are read here as
    a browser reads them before deciding."""
    as_read = re.sub(r"[\t\n\r]", "", back).replace("\\", "/")
    parts = urlsplit(as_read)
    if (not as_read.startswith("/") or as_read.startswith("//") or parts.scheme
            or parts.netloc or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in as_read)):
        return "/"
    return as_read


@bp.get("/accessibility")
def accessibility() -> ResponseReturnValue:
    """The accessibility statement: what was tested and how, in the public-sector form."""
    return render_template("accessibility.html")
