"""The Socket.IO rooms a workshop's connections belong to, by name.

Rooms per workshop: everyone who joined (``room``), the facilitator's screens
(``facilitator_room``: control page and projector) and one per participant (``person_room``)
for what concerns only them, and, in a room seated at tables, one per table
(``table_room``). Each connection also belongs to one interface language, so every room
exists once per language (``in_language``) and a push is rendered once per language that
has someone listening.
"""

from __future__ import annotations

import re

FRAGMENT_EVENT = "fragment"

_WORKSHOP = re.compile(r"^w:(\d+)")


def room(workshop_id: int) -> str:
    """Everyone connected to the workshop."""
    return f"w:{workshop_id}"


def facilitator_room(workshop_id: int) -> str:
    """The facilitator's control page and projector."""
    return f"w:{workshop_id}:facilitator"


def person_room(participant_id: str) -> str:
    """Every tab of one participant."""
    return f"p:{participant_id}"


def in_language(room_name: str, language: str) -> str:
    """The members of ``room_name`` whose interface is in ``language``; pushes go only here."""
    return f"{room_name}@{language}"


def table_room(workshop_id: int, table: str) -> str:
    """The phones at one table of a seated room."""
    return f"w:{workshop_id}:t:{table}"


def workshop_of(room_name: str) -> int | None:
    """The workshop a room's name belongs to, if it says so (every room but a person's)."""
    match = _WORKSHOP.match(room_name)
    return int(match.group(1)) if match else None


def participant_of(room_name: str) -> str | None:
    """The participant a person's room belongs to."""
    return room_name[2:].split("@", 1)[0] if room_name.startswith("p:") else None
