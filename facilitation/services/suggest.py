"""Theme suggestions for the board: the local engine (facilitation.suggestions) run on the
cards not yet grouped, minus the groupings the facilitator already accepted or rejected."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import kinds
from ..suggestions import Suggestion, open_suggestions
from . import parts
from .themes import Board, decided_signatures


def suggestions_for(board: Board, decided: set[str]) -> list[Suggestion]:
    """Suggested groupings of the ungrouped cards, largest first."""
    items = [(item.type, item.id, item.text) for item in board.ungrouped]
    return open_suggestions(items, rejected=decided)


@parts.facilitator(kinds.THEMES)
def _suggested_on_the_board(db: Session, room: Any) -> dict[str, Any]:
    """The facilitator's theme board offers groupings of the cards not yet in a theme."""
    if room.board is None:
        return {}
    return {"suggestions": suggestions_for(room.board, decided_signatures(db, room.workshop.id))}
