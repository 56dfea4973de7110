"""A short Markdown summary of the report, to paste into an email, a wiki or a team chat."""

from __future__ import annotations

import re

from .model import Report
from .report_html import long_date, plural, short_date

_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_START = re.compile(r"^([#>+=-]|\d+[.)])")


def text(value: str | None) -> str:
    """People's words as literal text on one line: nothing they type becomes Markdown or HTML."""
    flat = _INLINE.sub(r"\\\1", " ".join((value or "").split()))
    return _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], flat)


def _table(header: list[str], rows: list[list[str]], align: list[str]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def render_markdown(report: Report) -> str:
    """The report's conclusions in Markdown; the appendix of cards stays in the PDF."""
    c = report.cover
    out = [f"# {text(c.title)}", "",
           f"Appreciative Inquiry workshop report, {long_date(c.held_on)}."]
    facts = [f"Organisation: {text(c.organisation)}" if c.organisation else "",
             f"Facilitator: {text(c.facilitator_name)}" if c.facilitator_name else ""]
    out += [line + "." for line in facts if line]
    out += ["", f"**Topic:** {text(c.topic_title)}. {text(c.topic_question)}", ""]
    if report.is_public:
        out += ["This is the public version: it leaves out what people shared only with "
                "the room.", ""]
    if c.in_progress:
        out += [f"> Draft: made while the workshop was still running ({c.phase_label}).", ""]

    out += ["## Who took part", "",
            f"{plural(report.participation.joined, 'person', 'people')} joined. "
            "People who contributed in each phase:", ""]
    out += _table(["Phase", "People"],
                  [[row.label, str(row.people)] for row in report.participation.by_phase],
                  ["---", "---:"])

    out += ["## Our agreements", ""]
    out += [f"{number}. {text(agreement)}" for number, agreement in
            enumerate(report.agreements, start=1)] + [""]

    out += ["## Discover: the positive core", ""]
    for theme in report.discover.themes:
        out += [f"### {text(theme.name)}", ""]
        if theme.description:
            out += [text(theme.description), ""]
        out += [f"Supported by {plural(len(theme.headlines), 'story', 'stories')} and "
                f"{plural(theme.card_count, 'card', 'cards')}.", ""]
        out += [f"- {text(headline)}" for headline in theme.headlines]
        out += [f"> “{text(quote)}”\n" for quote in theme.quotes] + [""]
    if report.discover.other_headlines:
        out += ["### Other stories", ""]
        out += [f"- {text(h)}" for h in report.discover.other_headlines] + [""]
        out += [f"> “{text(q)}”\n" for q in report.discover.other_quotes]
    if not report.discover.themes:
        out += ["No themes were recorded.", ""]

    out += ["## Dream: what we hope for", ""]
    for number, dream in enumerate(report.dreams, start=1):
        meta = [plural(dream.votes, "vote", "votes")]
        if dream.themes:
            meta.append("builds on " + ", ".join(text(t) for t in dream.themes))
        if dream.author:
            meta.append(text(dream.author))
        out.append(f"{number}. {text(dream.text)} ({'; '.join(meta)})")
    out += ["" if report.dreams else "No dreams were recorded.", ""]

    out += ["## Design: how we will work", ""]
    for area in report.design_areas:
        out += [f"### {text(area.name)}", ""]
        for number, p in enumerate(area.propositions, start=1):
            meta = [plural(p.votes, "vote", "votes")]
            if p.theme:
                meta.append(f"grounded in {text(p.theme)}")
            out.append(f"{number}. {text(p.text)} ({'; '.join(meta)})")
        out.append("")
    if not report.design_areas:
        out += ["No propositions were recorded.", ""]

    out += ["## Deliver: what we will do", ""]
    if report.next_review_date:
        out += [f"We will meet to review progress on **{long_date(report.next_review_date)}**.", ""]
    if report.commitments:
        out += _table(
            ["What", "Who", "By when", "First step", "Support needed", "How we will know"],
            [[text(r.what), text(r.owner) or "Not named", short_date(r.due_date),
              f"{text(r.first_step)} (by {short_date(r.first_step_due)})",
              text(r.support_needed), text(r.how_we_know)] for r in report.commitments],
            ["---"] * 6)
    else:
        out += ["No commitments were recorded.", ""]
    if report.action_teams:
        out += ["### Action teams", ""]
        for team in report.action_teams:
            members = ", ".join(text(name) for name in team.member_names)
            if team.unnamed_members:
                extra = plural(team.unnamed_members, "other", "others")
                members = f"{members} and {extra}" if members else plural(
                    team.unnamed_members, "person", "people")
            purpose = f": {text(team.purpose)}" if team.purpose else ""
            out.append(f"- **{text(team.name)}**{purpose} Members: {members or 'none yet'}.")
        out.append("")

    out += ["## How people left", ""]
    for pulse in report.pulses:
        out += [f"{plural(pulse.responses, 'person', 'people')} answered, from 1 (not at all) "
                "to 5 (very much).", ""]
        out += _table(["Statement", "Average", "1", "2", "3", "4", "5"],
                      [[text(q.text), f"{q.average:.1f}" if q.average is not None else "–",
                        *(str(n) for n in q.distribution)] for q in pulse.questions],
                      ["---", "---:", "---:", "---:", "---:", "---:", "---:"])
        if pulse.words:
            words = ", ".join(text(word) + (f" ×{count}" if count > 1 else "")
                              for word, count in pulse.words)
            out += [f"One word for how people are leaving: {words}.", ""]
    if not report.pulses:
        out += ["Nobody has answered the check-out yet.", ""]
    return "\n".join(out).rstrip() + "\n"
