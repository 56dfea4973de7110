"""Theme suggestions for the board: the local engine (facilitation.suggestions) run on the
cards not yet grouped, minus the groupings the facilitator already accepted or rejected."""

from __future__ import annotations

from ..suggestions import Suggestion, suggest_groups
from .themes import Board


def suggestions_for(board: Board, decided: set[str]) -> list[Suggestion]:
    """Suggested groupings of the ungrouped cards, best first."""
    items = [(item.type, item.id, item.text) for item in board.ungrouped]
    return [s for s in suggest_groups(items) if s.signature not in decided]
