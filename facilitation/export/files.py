"""One entry point for every download: the web routes and the command line both call here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..services import Runtime
from ..store.models import Workshop
from ..translation import N_
from . import backup, calendar_ics, commitments_csv, summary_markdown
from .model import build_report
from .pdf_process import html_to_pdf_in_child
from .report_html import render_print_document

#: format -> (media type, what the facilitator is offered)
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", N_("The report as a PDF, to read and forward")),
    "md": ("text/markdown; charset=utf-8", N_("A Markdown summary, for email or a wiki")),
    "csv": ("text/csv; charset=utf-8", N_("The commitments as a spreadsheet (CSV)")),
    "ics": ("text/calendar; charset=utf-8", N_("Due dates and the review date for your calendar")),
    "json": ("application/json", N_("A complete backup of the workshop (JSON, private)")),
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    media_type: str
    filename: str


def _slug(title: str) -> str:
    return "-".join(re.findall(r"\w+", title.casefold()))[:60] or "workshop"


def export_file(rt: Runtime, workshop: Workshop, fmt: str, audience: str,
                pdf_in_child: bool = True) -> ExportFile:
    """Make one file. Needs an app context (templates). The backup ignores the audience:
    it is a complete copy for the facilitator, not a report.

    ``pdf_in_child``: the web app renders the PDF in a child process so the room never
    waits; the command line, with no room to keep moving, renders in its own process.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    media_type = FORMATS[fmt][0]
    stem = _slug(workshop.title) + ("" if audience == "full" else f"-{audience}")
    if fmt == "json":
        with rt.store.engine.connect() as connection:
            content = backup.export_backup(connection, workshop.id)
        name = f"{_slug(workshop.title)}-{workshop.code}-backup.json"
        return ExportFile(content, media_type, name)
    report = build_report(rt, workshop.id, audience)
    if fmt == "pdf":
        html = render_print_document(report)
        if pdf_in_child:
            content = html_to_pdf_in_child(html)
        else:
            from .pdf import html_to_pdf  # WeasyPrint loads only where it runs

            content = html_to_pdf(html)
        return ExportFile(content, media_type, f"{stem}-report.pdf")
    if fmt == "md":
        return ExportFile(summary_markdown.render_markdown(report).encode("utf-8"), media_type,
                          f"{stem}-summary.md")
    if fmt == "csv":
        return ExportFile(commitments_csv.render_csv(report), media_type,
                          f"{stem}-commitments.csv")
    return ExportFile(calendar_ics.render_ics(report), media_type, f"{stem}-dates.ics")
