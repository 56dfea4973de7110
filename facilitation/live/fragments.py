"""The fragments pushes and resyncs carry: the whole room as a view shows it, the
projector's wall, the facilitator's own parts, and fragments read when their push leaves.

Every fragment's root carries an id and ``hx-swap-oob``, so a browser hands the whole push to
htmx and never builds HTML itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import render_template

from ..services import seating, views
from ..services.errors import NotFound

T = TypeVar("T")

# A phone is sent at most this many items of any list on its wall (the latest cards,
# stories or commitments, the top results), with a link to a page holding them all: one
# push to a thousand phones never carries a thousand cards. The plenary shows as many.
PHONE_SHOWS = 24


def render_room(state: views.RoomState, view: str,
                plenary: seating.Plenary | None = None) -> str:
    """The fragments a view needs to show the whole room; used for pushes and resyncs alike.
    A seated room's projector shows its ``plenary`` in place of the wall."""
    return render_template("partials/_room.html", state=state, view=view, plenary=plenary)


def render_projector_wall(state: views.RoomState) -> str:
    """The projector's wall with every item; none for a room shown per table, whose
    projector shows the plenary instead."""
    return "" if state.table_walls else render_template("partials/_wall.html", state=state,
                                                        view="projector")


def render_facilitator(view: views.FacilitatorView) -> str:
    """The facilitator's own fragments: the controls and the activity's working panel."""
    return render_template("partials/_facilitator_bag.html", fv=view, state=view.room)


def when_it_leaves(read: Callable[[], T], render: Callable[[T], str]) -> Callable[[], str]:
    """A fragment that reads the latest state when its push leaves and renders it, or is
    empty if the workshop was deleted meanwhile."""

    def latest() -> str:
        try:
            value = read()
        except NotFound:  # deleted while the push waited
            return ""
        return render(value)

    return latest
