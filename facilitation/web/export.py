"""The facilitator's report: a live preview in the browser and every download."""

from __future__ import annotations

import io

from flask import Blueprint, current_app, request, send_file
from flask.typing import ResponseReturnValue

from .. import runtime_of
from ..export.files import FORMATS, export_file
from ..export.model import build_report, check_audience
from ..export.pdf_process import warm_up
from ..export.report_html import render_preview
from ..services.errors import NotFound
from .context import as_facilitator

bp = Blueprint("export", __name__, url_prefix="/w/<code>")


@bp.get("/report")
def preview(code: str) -> ResponseReturnValue:
    """The report as it stands, at any moment of the workshop, for either audience."""
    workshop, _actor = as_facilitator(code)
    report = build_report(runtime_of(current_app), workshop.id,
                          request.args.get("audience", "full"))
    downloads = [(fmt, label) for fmt, (_media, label) in FORMATS.items()]
    warm_up()  # the PDF is one click away: have its renderer ready
    return render_preview(report, workshop=workshop, code=workshop.code, downloads=downloads)


@bp.get("/export.<fmt>")
def download(code: str, fmt: str) -> ResponseReturnValue:
    """One file to keep or pass on; the PDF renders in a child process (see pdf_process)."""
    workshop, _actor = as_facilitator(code)
    if fmt not in FORMATS:
        raise NotFound("There is no such download. Choose one from the report page.")
    audience = check_audience(request.args.get("audience", "full"))
    made = export_file(runtime_of(current_app), workshop, fmt, audience)
    response = send_file(io.BytesIO(made.content), mimetype=made.media_type, as_attachment=True,
                         download_name=made.filename, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # reports hold what people shared
    return response
