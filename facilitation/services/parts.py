"""What each kind of activity adds to the read model (services/views.py), registered by the
service that owns the kind: the read model asks here instead of branching on kinds.

Three views, three registers. Each reader gets the database session and what the view has
read so far, and returns the fields it fills, by name:

- ``room``: what everyone sees of the current activity (its board), and with the key
  ``counted`` how many people took part, when the kind counts them its own way;
- ``facilitator``: what only the facilitator sees (pairs, suggestions, hidden items);
- ``mine``: one participant's own part (their pair, dots, commitments, check-out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..kinds import Kind

Reader = Callable[..., dict[str, Any]]
R = TypeVar("R", bound=Reader)

ROOM: dict[str, Reader] = {}
FACILITATOR: dict[str, Reader] = {}
MINE: dict[str, Reader] = {}


def _register(register: dict[str, Reader], kinds: tuple[Kind, ...]) -> Callable[[R], R]:
    def add(reader: R) -> R:
        for kind in kinds:
            register[kind.name] = reader
        return reader

    return add


def room(*kinds: Kind) -> Callable[[R], R]:
    """Register ``reader(db, workshop, plan, activity, settings)`` for the room's view."""
    return _register(ROOM, kinds)


def facilitator(*kinds: Kind) -> Callable[[R], R]:
    """Register ``reader(db, room)`` for the facilitator's view."""
    return _register(FACILITATOR, kinds)


def mine(*kinds: Kind) -> Callable[[R], R]:
    """Register ``reader(db, room, me)`` for a participant's own view; ``me`` is their Actor,
    whose author key finds their anonymous rows (services.authorship)."""
    return _register(MINE, kinds)
