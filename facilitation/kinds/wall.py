"""A wall of cards: everyone writes a few words into the composer and the room sees them.
In Discover its cards are grouped into the themes of the positive core."""

from .base import Kind

KIND = Kind("wall", parts=frozenset({"room", "facilitator"}), composer=True,
            grouped_into_themes=True)
