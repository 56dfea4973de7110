"""A short Markdown summary of the report, to paste into an email, a wiki or a team chat."""

from __future__ import annotations

import re

from ..small_numbers import count_people, people
from ..translation import say_day, short_day, translate_plural
from ..translation import translate as _
from .model import Report

_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_BLOCK_START = re.compile(r"^([#>+=-]|\d+[.)])")


# What GitHub-flavoured Markdown (and the chats that follow it) turn into a link by themselves.
_LINKABLE = re.compile(r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:|\bxmpp:)[^\s`|<>]+"
                       r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def text(value: str | None) -> str:
    """People's words as literal text on one line: nothing they type becomes Markdown, HTML
    or a link (an address is kept as written, as code, which no renderer links)."""
    flat = " ".join((value or "").split())
    pieces, done = [], 0
    for match in _LINKABLE.finditer(flat):
        pieces += [_INLINE.sub(r"\\\1", flat[done:match.start()]), f"`{match.group(0)}`"]
        done = match.end()
    pieces.append(_INLINE.sub(r"\\\1", flat[done:]))
    return _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], "".join(pieces))


def _table(header: list[str], rows: list[list[str]], align: list[str]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def render_markdown(report: Report) -> str:
    """The report's conclusions in Markdown, in the language of whoever downloads it; the
    appendix of cards stays in the PDF. In the report's order: what was decided first, one
    section per phase, then how we worked."""
    sections = (_cover, _at_a_glance, _participation, _discover, _dreams, _design, _deliver,
                _check_out, _agreements)
    out = [line for section in sections for line in section(report)]
    return "\n".join(out).rstrip() + "\n"


def _cover(report: Report) -> list[str]:
    c = report.cover
    out = [f"# {text(c.title)}", "",
           _("Appreciative Inquiry workshop report, %(day)s.", day=say_day(c.held_on))]
    facts = [_("Organisation: %(name)s", name=text(c.organisation)) if c.organisation else "",
             _("Facilitator: %(name)s", name=text(c.facilitator_name))
             if c.facilitator_name else ""]
    out += [line + "." for line in facts if line]
    out += ["", f"**{_('Topic:')}** {text(c.topic_title)}. {text(c.topic_question)}", ""]
    if report.is_public:
        out += [_("This is the public version: it leaves out what people shared only with "
                  "the room."), ""]
    if c.in_progress:
        out += ["> " + _("Draft: made while the workshop was still running (%(phase)s).",
                         phase=c.phase_label), ""]
    return out


def _at_a_glance(report: Report) -> list[str]:
    """The report's first page: the commitments, the propositions and the strongest themes."""
    out = ["## " + _("What we will do next"), ""]
    out += [f"- **{text(r.owner) or _('Not named')}**: {text(r.what)} "
            f"({short_day(r.due_date)}). {_('First step')}: {text(r.first_step)} "
            f"{_('(by %(day)s)', day=short_day(r.first_step_due))}"
            for r in report.first_commitments]
    more = len(report.commitments) - len(report.first_commitments)
    if more:
        out.append(translate_plural("And %(num)s more under Deliver.",
                                    "And %(num)s more under Deliver.", more))
    if not report.commitments:
        out.append(_("No commitments were recorded."))
    out += ["", "## " + _("How we will work"), ""]
    out += [f"{number}. {text(p.text)}" + (f" ({_vote_count(p.votes)[0]})" if p.votes is not None
                                           else "")
            for number, p in enumerate(report.top_propositions, start=1)]
    if not report.top_propositions:
        out.append(_("No propositions were recorded."))
    out += ["", "## " + _("What we are at our best"), ""]
    out += [f"- **{text(theme.name)}** ("
            + _("%(stories)s and %(cards)s",
                stories=translate_plural("%(num)s story", "%(num)s stories", len(theme.headlines)),
                cards=translate_plural("%(num)s card", "%(num)s cards", theme.card_count)) + ")"
            for theme in report.top_themes]
    if not report.top_themes:
        out.append(_("No themes were recorded."))
    return out + [""]


def _participation(report: Report) -> list[str]:
    out = ["## " + _("Who took part"), "",
           count_people("%(num)s person joined.", "%(num)s people joined.",
                        report.participation.joined)
           + " " + _("People who contributed in each phase") + ":", ""]
    return out + _table([_("Phase"), _("People")],
                        [[row.label, people(row.people)] for row in report.participation.by_phase],
                        ["---", "---:"])


def _agreements(report: Report) -> list[str]:
    return (["## " + _("How we worked"), "", "### " + _("Our agreements"), ""]
            + [f"{number}. {text(agreement)}"
               for number, agreement in enumerate(report.agreements, start=1)] + [""])


def _discover(report: Report) -> list[str]:
    out = ["## " + _("Discover: the positive core"), ""]
    for theme in report.discover.themes:
        out += [f"### {text(theme.name)}", ""]
        if theme.description:
            out += [text(theme.description), ""]
        out += [_("Supported by %(stories)s and %(cards)s.",
                  stories=translate_plural("%(num)s story", "%(num)s stories", len(theme.headlines)),
                  cards=translate_plural("%(num)s card", "%(num)s cards", theme.card_count)), ""]
        out += [f"- {text(headline)}" for headline in theme.headlines]
        out += [f"> “{text(quote)}”\n" for quote in theme.quotes] + [""]
    if report.discover.other_headlines:
        out += ["### " + _("Other stories"), ""]
        out += [f"- {text(h)}" for h in report.discover.other_headlines] + [""]
        out += [f"> “{text(q)}”\n" for q in report.discover.other_quotes]
    if not report.discover.themes:
        out += [_("No themes were recorded."), ""]
    return out


def _dreams(report: Report) -> list[str]:
    out = ["## " + _("Dream: what we hope for"), ""]
    for number, dream in enumerate(report.dreams, start=1):
        meta = _vote_count(dream.votes)
        if dream.themes:
            meta.append(_("builds on %(themes)s", themes=", ".join(text(t) for t in dream.themes)))
        if dream.author:
            meta.append(text(dream.author))
        out.append(f"{number}. {text(dream.text)}" + (f" ({'; '.join(meta)})" if meta else ""))
    return out + ["" if report.dreams else _("No dreams were recorded."), ""]


def _vote_count(votes: int | None) -> list[str]:
    """The dots, if the room was shown them (None: not, and so neither is the summary)."""
    return [] if votes is None else [translate_plural("%(num)s vote", "%(num)s votes", votes)]


def _design(report: Report) -> list[str]:
    out = ["## " + _("Design: how we will work"), ""]
    for area in report.design_areas:
        out += [f"### {text(area.name)}", ""]
        for number, p in enumerate(area.propositions, start=1):
            meta = _vote_count(p.votes)
            if p.theme:
                meta.append(_("grounded in %(theme)s", theme=text(p.theme)))
            out.append(f"{number}. {text(p.text)}" + (f" ({'; '.join(meta)})" if meta else ""))
        out.append("")
    if not report.design_areas:
        out += [_("No propositions were recorded."), ""]
    return out


def _deliver(report: Report) -> list[str]:
    out = ["## " + _("Deliver: what we will do"), ""]
    if report.next_review_date:
        out += [_("We will meet to review progress on **%(day)s**.",
                  day=say_day(report.next_review_date)), ""]
    if report.commitments:
        out += _table(
            [_("What"), _("Who"), _("By when"), _("First step"), _("Support needed"),
             _("How we will know")],
            [[text(r.what), text(r.owner) or _("Not named"), short_day(r.due_date),
              f"{text(r.first_step)} {_('(by %(day)s)', day=short_day(r.first_step_due))}",
              text(r.support_needed), text(r.how_we_know)] for r in report.commitments],
            ["---"] * 6)
    else:
        out += [_("No commitments were recorded."), ""]
    return out + _action_teams(report)


def _action_teams(report: Report) -> list[str]:
    if not report.action_teams:
        return []
    out = ["### " + _("Action teams"), ""]
    for team in report.action_teams:
        members = ", ".join(text(name) for name in team.member_names)
        if team.unnamed_members:
            members = (translate_plural("%(names)s and %(num)s other", "%(names)s and %(num)s others",
                                        team.unnamed_members, names=members) if members else
                       count_people("%(num)s person", "%(num)s people", team.unnamed_members))
        purpose = f": {text(team.purpose)}" if team.purpose else ""
        out.append(f"- **{text(team.name)}**{purpose} {_('Members:')} "
                   f"{members or _('none yet')}.")
    return out + [""]


def _check_out(report: Report) -> list[str]:
    out = ["## " + _("How people left"), ""]
    for pulse in report.pulses:
        if pulse.few:
            out += [_("Fewer than 3 people answered “%(title)s”, so their answers stay private: "
                      "with so few, anyone could tell whose they were.", title=text(pulse.title)),
                    ""]
            continue
        if not pulse.revealed:
            out += [_("%(num)s people answered “%(title)s”. The answers were not shown to the "
                      "room, so they are not in the report either.", num=pulse.responses,
                      title=text(pulse.title)), ""]
            continue
        out += [translate_plural("%(num)s person answered, from 1 (not at all) to 5 (very much).",
                                 "%(num)s people answered, from 1 (not at all) to 5 (very much).",
                                 pulse.responses), ""]
        out += _table([_("Statement"), _("Average"), "1", "2", "3", "4", "5"],
                      [[text(q.text), f"{q.average:.1f}" if q.average is not None else "–",
                        *(people(n) for n in q.distribution)] for q in pulse.questions],
                      ["---", "---:", "---:", "---:", "---:", "---:", "---:"])
        if pulse.words:
            words = ", ".join(text(word) + (f" ×{count}" if count > 1 else "")
                              for word, count in pulse.words)
            out += [f"{_('One word for how people are leaving')}: {words}.", ""]
    if not report.pulses:
        out += [_("Nobody has answered the check-out yet."), ""]
    return out
