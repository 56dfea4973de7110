"""The channels a workshop's connections listen on, by name (Socket.IO calls them rooms;
here "room" means the people of a workshop, never a channel).

Channels per workshop: everyone who joined (``everyone``), the facilitator's screens
(``facilitator_screens``: control page and projector), one per participant (``one_person``)
for what concerns only them, and, in a room seated at tables, one per table
(``one_table``). Each connection also belongs to one interface language, so every channel
exists once per language (``in_language``) and a push is rendered once per language that
has someone listening.
"""

from __future__ import annotations

import re

FRAGMENT_EVENT = "fragment"

_WORKSHOP = re.compile(r"^w:(\d+)")


def everyone(workshop_id: int) -> str:
    """Everyone connected to the workshop."""
    return f"w:{workshop_id}"


def facilitator_screens(workshop_id: int) -> str:
    """The facilitator's control page and projector."""
    return f"w:{workshop_id}:facilitator"


def one_person(participant_id: str) -> str:
    """Every tab of one participant."""
    return f"p:{participant_id}"


def in_language(channel: str, language: str) -> str:
    """The members of ``channel`` whose interface is in ``language``; pushes go only here."""
    return f"{channel}@{language}"


def one_table(workshop_id: int, table: str) -> str:
    """The phones at one table of a seated room."""
    return f"w:{workshop_id}:t:{table}"


def workshop_of(channel: str) -> int | None:
    """The workshop a channel belongs to, if its name says so (every channel but a person's)."""
    match = _WORKSHOP.match(channel)
    return int(match.group(1)) if match else None


def participant_of(channel: str) -> str | None:
    """The participant a person's channel belongs to."""
    return channel[2:].split("@", 1)[0] if channel.startswith("p:") else None
