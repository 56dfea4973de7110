"""What the screens of a room seated at tables show, and what is pushed to them.

In a seated room (services.seating) each phone's wall holds its own table's cards and the
control page and projector hold the plenary: the latest cards, one page at a time, and every
table's tally. A new card goes to its table's Socket.IO room; everyone else gets the new head
count and the facilitator's screens a fresh plenary, each rendered once per push. A phase
change renders one view per table, never one per person.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from flask import render_template

from . import broadcast
from .services import Runtime, seating
from .services import workshops as workshop_service
from .services.access import Actor
from .store import Contribution

if TYPE_CHECKING:
    from .broadcast import SocketBroadcaster


# The plenary (every table's tally) is read and rendered at most this often, in seconds.
PLENARY_EVERY = 0.5
# The room-wide head count, the only thing a card changes for the other tables, at most this
# often: a thousand phones need not hear of every card at another table.
COUNTS_EVERY = 1.0


def table_room(workshop_id: int, table: str) -> str:
    """The phones at one table."""
    return f"w:{workshop_id}:t:{table}"


def view_state(rt: Runtime, workshop_id: int, actor: Actor,
               page: int = 1) -> tuple[workshop_service.RoomState, dict[str, object]]:
    """The room as this person's screen shows it, and the extra template values it needs
    (``table`` for a seated phone, ``plenary`` for the facilitator's screens)."""
    counts = seating.summary(rt, workshop_id)  # cheap: decides which wall to read
    if not seating.seated(counts):
        return workshop_service.room_state(rt, workshop_id), {}
    if actor.is_facilitator:
        return counts, {"plenary": seating.plenary(rt, counts, page)}
    table = seating.table_of(rt, actor.participant_id)
    return replace(counts, contributions=seating.table_cards(rt, counts, table)), {"table": table}


def render_view(state: workshop_service.RoomState, view: str, **extra: object) -> str:
    """The fragments for a whole view: the same partial a plain room uses, plus the extras."""
    return render_template("partials/_room.html", state=state, view=view, **extra)


def push_room(broadcaster: SocketBroadcaster, state: workshop_service.RoomState) -> None:
    """A seated room changed phase, activity, topic or seating: one view per table."""
    rt = broadcaster.runtime
    assert rt is not None
    workshop_id = state.workshop.id
    by_table = seating.cards_by_table(rt, state)
    for table in seating.table_labels(rt, workshop_id):
        html = render_view(seating.for_table(state, by_table, table), "room", table=table)
        broadcaster.send(table_room(workshop_id, table), html)
        broadcaster.socketio.sleep(0)  # hundreds of tables: let pushes flow between renders
    plenary = seating.plenary(rt, state)
    html = render_view(replace(state, contributions=[]), "room", plenary=plenary)
    html += render_template("partials/_controls.html", state=state)
    broadcaster.send(broadcast.facilitator_room(workshop_id), html)


def push_contribution(broadcaster: SocketBroadcaster, state: workshop_service.RoomState,
                      contribution: Contribution) -> None:
    """A card in a seated room: to its table in full, to the room as a count (at most once
    a second), to the facilitator's screens as a fresh plenary (at most twice a second)."""
    rt = broadcaster.runtime
    assert rt is not None
    workshop_id = state.workshop.id
    table = seating.table_of(rt, contribution.participant_id)
    card = render_template("partials/_table_card.html", state=state, contribution=contribution)
    everyone = broadcast.room(workshop_id)
    broadcaster.send(table_room(workshop_id, table) if table else everyone, card)

    def counts() -> str:
        with broadcaster.app.app_context():
            return render_template("partials/_counts.html",
                                   state=seating.summary(rt, workshop_id))

    broadcaster.send(everyone, counts, key="counts", min_window=COUNTS_EVERY)

    def plenary() -> str:
        with broadcaster.app.app_context():
            fresh = seating.summary(rt, workshop_id)
            return render_template("partials/_plenary.html", state=fresh,
                                   plenary=seating.plenary(rt, fresh))

    broadcaster.send(broadcast.facilitator_room(workshop_id), plenary, key="plenary",
                     min_window=PLENARY_EVERY)
