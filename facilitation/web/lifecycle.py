"""Leaving and deleting a workshop: a facilitator signs out of it on this browser, or deletes
it (a confirmation page, then everything in it is gone)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from .. import runtime_of
from ..services import lifecycle
from ..services.errors import Invalid
from .context import as_facilitator
from .identity import forget, sign_out_facilitator

bp = Blueprint("lifecycle", __name__, url_prefix="/w/<code>")


@bp.get("/delete")
def confirm_delete(code: str) -> ResponseReturnValue:
    """Say exactly what deleting removes, and ask for the join code to be typed."""
    workshop, _actor = as_facilitator(code)
    return render_template("facilitator/delete.html", workshop=workshop)


@bp.post("/delete")
def delete(code: str) -> ResponseReturnValue:
    """Delete the workshop and everything in it; everyone connected is told and let go."""
    workshop, actor = as_facilitator(code)
    try:
        title = lifecycle.delete_workshop(runtime_of(current_app), actor,
                                          request.form.get("confirm_code"))
    except Invalid as exc:
        return render_template("facilitator/delete.html", workshop=workshop,
                               error=exc.message), 400
    forget(workshop.code)
    return render_template("facilitator/deleted.html", title=title)


@bp.post("/sign-out")
def sign_out(code: str) -> ResponseReturnValue:
    """End this browser's facilitator session, on the server too (a copy of the cookie opens
    nothing now); the private link signs the facilitator in again."""
    sign_out_facilitator(code.upper())
    return render_template("facilitator/signed_out.html")
