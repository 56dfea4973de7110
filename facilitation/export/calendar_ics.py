"""The commitments' due dates and the review date as an iCalendar file (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from ..translation import short_day, translate
from .model import Report


def _all_day(uid: str, day: date, summary: str, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it blocks no time
    return event


def render_ics(report: Report) -> bytes:
    """One all-day event per commitment on its due date, and one on the review date, in the
    language of whoever downloads the file."""
    stamp = datetime.now(UTC).replace(microsecond=0)
    title = report.cover.title
    calendar = Calendar()
    calendar.add("prodid", "-//Appreciate//Appreciative Inquiry workshop//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", translate("%(title)s: commitments", title=title))
    uid_base = f"{report.cover.code.lower()}.appreciate"
    for row in report.commitments:
        who = f" ({row.owner})" if row.owner else ""
        details = [translate("From the Appreciative Inquiry workshop “%(title)s”.", title=title),
                   translate("First step: %(step)s (by %(day)s).", step=row.first_step,
                             day=short_day(row.first_step_due))]
        if row.helpers:
            details.append(translate("With: %(helpers)s", helpers=row.helpers) + ".")
        if row.support_needed:
            details.append(translate("Support needed: %(support)s", support=row.support_needed))
        if row.how_we_know:
            details.append(translate("How we will know: %(how)s", how=row.how_we_know))
        calendar.add_component(_all_day(f"commitment-{row.ref}@{uid_base}", row.due_date,
                                        translate("Due: %(what)s", what=f"{row.what}{who}"),
                                        "\n".join(details), stamp))
    if report.next_review_date:
        calendar.add_component(_all_day(
            f"review@{uid_base}", report.next_review_date,
            translate("Review: %(title)s", title=title),
            translate("Meet to review progress on the commitments from “%(title)s”.",
                      title=title), stamp))
    return calendar.to_ical()
