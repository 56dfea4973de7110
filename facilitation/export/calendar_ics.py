"""The commitments' due dates and the review date as an iCalendar file (RFC 5545)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from .model import Report
from .report_html import short_date


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
    """One all-day event per commitment on its due date, and one on the review date."""
    stamp = datetime.now(UTC).replace(microsecond=0)
    title = report.cover.title
    calendar = Calendar()
    calendar.add("prodid", "-//Appreciate//Appreciative Inquiry workshop//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{title}: commitments")
    uid_base = f"{report.cover.code.lower()}.appreciate"
    for row in report.commitments:
        who = f" ({row.owner})" if row.owner else ""
        details = [f"From the Appreciative Inquiry workshop “{title}”.",
                   f"First step: {row.first_step} (by {short_date(row.first_step_due)})."]
        if row.helpers:
            details.append(f"With: {row.helpers}.")
        if row.support_needed:
            details.append(f"Support needed: {row.support_needed}")
        if row.how_we_know:
            details.append(f"How we will know: {row.how_we_know}")
        calendar.add_component(_all_day(f"commitment-{row.ref}@{uid_base}", row.due_date,
                                        f"Due: {row.what}{who}", "\n".join(details), stamp))
    if report.next_review_date:
        calendar.add_component(_all_day(
            f"review@{uid_base}", report.next_review_date, f"Review: {title}",
            f"Meet to review progress on the commitments from “{title}”.", stamp))
    return calendar.to_ical()
