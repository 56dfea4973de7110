"""Theme suggestions for the board: the local engine (facilitation.suggestions) run on the
cards not yet grouped, minus the groupings the facilitator already accepted or rejected."""

from __future__ import annotations

from ..suggestions import Suggestion, open_suggestions
from .themes import Board


def suggestions_for(board: Board, decided: set[str]) -> list[Suggestion]:
    """Suggested groupings of the ungrouped cards, largest first."""
    items = [(item.type, item.id, item.text) for item in board.ungrouped]
    return open_suggestions(items, rejected=decided)
