"""The positive core: the facilitator groups Discover's cards and stories into themes, with
the room watching."""

from .base import Kind

KIND = Kind("themes", parts=frozenset({"room", "facilitator"}), shows_themes=True)
