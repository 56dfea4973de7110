"""What one kind of activity is: the facts the rest of the product reads instead of asking
for a kind by name.

A kind module declares one ``Kind``. The services register what they read and write for it
(services/parts.py), the templates show its parts from ``templates/kinds/<name>/``, the plan
validator checks its fields, and the report and exports ask its flags. Nothing here imports
anything of the product's: kinds are used by every layer and use none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The parts of a page a kind may show, each a template in templates/kinds/<name>/:
# room.html (what the room's wall shows, on phones and the projector), mine.html (a phone's
# own panel), facilitator.html (the facilitator's working panel) and shared.html (how many
# things were shared, said for an anonymous activity's head count).
PARTS = ("room", "mine", "facilitator", "shared")


@dataclass(frozen=True)
class Kind:
    """One kind of activity a plan may use."""

    name: str
    #: the parts of the page it has templates for (see PARTS)
    parts: frozenset[str]
    #: plan fields only this kind's activities may carry, and those they must
    plan_fields: frozenset[str] = frozenset()
    required_fields: frozenset[str] = frozenset()
    #: people write into the shared composer; its cards sit at tables in a big room
    composer: bool = False
    #: in Discover, its cards are what the positive core's themes group
    grouped_into_themes: bool = False
    #: it shows Discover's themes (the positive core) beside its own board
    shows_themes: bool = False
    #: pairs of people interview each other and capture stories
    interviews: bool = False
    #: what its dots go on ("contribution" or "proposition"), if people vote
    vote_target: str | None = None
    #: the id of the phone's own part that lists the shared board (fetched again by every
    #: phone when the board changes), if it has one
    own_list: str | None = None
    #: the id of the heading of the phone's own panel, if it has one
    mine_heading: str | None = None
    #: the facilitator reveals its results to the room (dots, check-out averages)
    reveals_results: bool = False
    #: its activities' cards are dreams: the report lists them with their dots, not in the
    #: appendix of every card
    cards_are_dreams: bool = False

    def template(self, part: str) -> str | None:
        """The template of one part of the page, if this kind shows that part."""
        return f"kinds/{self.name}/{part}.html" if part in self.parts else None
