"""The report as HTML: the page the facilitator previews and the document the PDF is made from."""

from __future__ import annotations

import unicodedata

from flask import render_template
from markupsafe import Markup

from ..translation import say_day, short_day
from .charts import participation_chart, pulse_chart, votes_chart
from .model import Report


def dir_attr(text: str | None) -> Markup:
    """' dir="rtl"' for text that starts in a right-to-left script (Arabic, Hebrew…), else ''.

    Decided here rather than with dir="auto", which WeasyPrint resolves slowly for every
    element of a long report (about a tenth of its time).
    """
    for character in text or "":
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return Markup(' dir="rtl"')
        if direction == "L":
            break
    return Markup("")


# The preview and the PDF follow the language of the person who asks for them; dates as
# 'Tuesday 4 November 2025', unambiguous for British and international readers alike.
HELPERS = {"long_date": say_day, "short_date": short_day, "dir_attr": dir_attr,
           "participation_chart": participation_chart, "votes_chart": votes_chart,
           "pulse_chart": pulse_chart}


def render_preview(report: Report, **page: object) -> str:
    """The browser preview inside the app's page layout (needs an app context)."""
    return render_template("report/preview.html", report=report, **HELPERS, **page)


def render_print_document(report: Report) -> str:
    """The standalone document WeasyPrint renders (needs an app context)."""
    return render_template("report/print.html", report=report, **HELPERS)
