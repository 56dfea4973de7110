"""The commitments as a CSV file that Excel opens with every accent and script intact."""

from __future__ import annotations

import csv
import io

from .model import Report

# Column names stay in English whoever downloads the file: they are the file's interface for
# the spreadsheets, mail merges and imports built on it, which must not break with a language.
HEADER = ["What", "Who", "With", "Personal or team", "By when", "First step", "First step by",
          "Support needed", "How we will know", "Towards", "Workshop"]

# A cell starting with one of these is run as a formula by spreadsheet programs; a leading
# apostrophe makes it plain text (the OWASP advice for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str | None) -> str:
    """One cell of people's text, never a formula."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def render_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark (how Excel recognises UTF-8), one row per commitment."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in report.commitments:
        writer.writerow([
            cell(row.what), cell(row.owner), cell(row.helpers), row.kind,
            row.due_date.isoformat(), cell(row.first_step), row.first_step_due.isoformat(),
            cell(row.support_needed), cell(row.how_we_know), cell(row.proposition),
            cell(report.cover.title)])
    return buffer.getvalue().encode("utf-8-sig")
