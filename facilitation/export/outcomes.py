"""What the group decided, as every screen shows it once the workshop has closed.

Drawn from the public report (model.py), so the sharing levels, the hidden items and the
small-numbers rule are applied in one place only; each list is cut to what one push to every
phone may carry (``SHOWN``), with how many more the report holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..services import Runtime
from .model import Report, build_report

#: At most this many items of each list go to every screen; the report holds them all.
SHOWN = 12


@dataclass(frozen=True)
class Shortlist:
    """The first items of a list and how many more there are."""

    items: tuple
    more: int


@dataclass(frozen=True)
class Outcomes:
    """The group's conclusions: commitments, propositions with their themes, top themes."""

    commitments: Shortlist  # of (what, due_date)
    propositions: Shortlist  # of (text, theme or None)
    themes: Shortlist  # of theme names, the most linked first

    @property
    def empty(self) -> bool:
        return not (self.commitments.items or self.propositions.items or self.themes.items)


def _cut(items: list) -> Shortlist:
    return Shortlist(tuple(items[:SHOWN]), max(0, len(items) - SHOWN))


def outcomes_of(report: Report) -> Outcomes:
    """The conclusions a public ``report`` holds, each list cut to ``SHOWN`` items."""
    propositions = [(item.text, item.theme) for area in report.design_areas
                    for item in area.propositions]
    ranked = sorted(enumerate(report.discover.themes),
                    key=lambda pair: (-(pair[1].card_count + len(pair[1].headlines)), pair[0]))
    return Outcomes(
        commitments=_cut([(c.what, c.due_date) for c in report.commitments]),
        propositions=_cut(propositions),
        themes=_cut([theme.name for _place, theme in ranked]),
    )


def public_outcomes(rt: Runtime, workshop_id: int) -> Outcomes:
    """The outcomes anyone in the room may see (the public report's rules)."""
    return outcomes_of(build_report(rt, workshop_id, "public"))
