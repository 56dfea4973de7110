"""What a room seated at tables is told (see services.seating).

Phones on a wall activity hold their own table's cards; the control page and projector hold
the plenary. A new card goes to its table's Socket.IO room in full; everyone else hears the
new head count (at most once a second) and the facilitator's screens a fresh plenary (at most
twice a second), each rendered once per push. A phase change or a moderation renders one view
per table, never one per person, and never the whole wall for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from flask import render_template

from .services import seating
from .services.room import RoomState
from .store import Contribution

if TYPE_CHECKING:
    from .broadcast import SocketBroadcaster

# A phone is sent at most this many items of any list on its wall (the latest cards,
# stories or commitments, the top results), with a link to a page holding them all: one
# push to a thousand phones never carries a thousand cards. The plenary shows as many.
PHONE_SHOWS = 24
# The plenary (every table's tally, the latest cards) is read and rendered at most this often.
PLENARY_EVERY = 0.5
# The room-wide head count, all a card changes for the other tables, at most this often: a
# thousand phones need not hear of every card at another table.
COUNTS_EVERY = 1.0
# The facilitator's panel while phones connect and leave (a summit arrives all at once).
CONNECTIONS_EVERY = 0.25
# A whole-room board (dreams, statements, commitments, check-out) at most this often: each
# such push also has every phone fetch its own ballot or action teams again.
BOARD_EVERY = 1.0
# When a push asks every phone to fetch its own part (its ballot, its panel), each phone
# waits a random moment first, so that the fetches take at most this share of one core
# rather than arriving all at once. A ballot of 200 dreams took 27 ms to answer
# (bench/vote_fanout.py), so 1,000 phones fetching it at once would stop the room for 27 s.
FETCH_SHARE = 0.5
# Seconds one fetch takes, until this process has measured some.
FIRST_GUESS = 0.01
# Smaller rooms fetch at once: a workshop of forty should not wait (APPRECIATE_SPREAD_FROM).
SPREAD_FROM = 100


class FetchPace:
    """How long each part a phone fetches for itself takes on this server (a moving average
    of the real fetches, one per part: a ballot of 200 dreams takes ten times a phase
    change's panel), and so over how long a room's phones spread their fetches of it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def record(self, part: str, seconds: float) -> None:
        before = self.seconds.get(part, FIRST_GUESS)
        self.seconds[part] = before + (seconds - before) / 10

    def spread_ms(self, part: str, phones: int, spread_from: int = SPREAD_FROM) -> int:
        """Milliseconds over which ``phones`` spread their fetches of ``part`` (0: at once)."""
        if phones < spread_from:
            return 0
        return round(1000 * phones * self.seconds.get(part, FIRST_GUESS) / FETCH_SHARE)


def push_to_tables(broadcaster: SocketBroadcaster, state: RoomState,
                   render: Callable[[RoomState], str]) -> None:
    """Push ``state`` to each table with that table's cards, rendered once per table (and
    language) when the push leaves; the wall is read once for all tables."""
    from .broadcast import table_room

    rt = broadcaster.runtime
    assert rt is not None
    by_table = seating.cards_by_table(rt, state)
    for table in seating.table_labels(rt, state.workshop.id):
        at_table = replace(state, contributions=seating.for_table(by_table, table), table=table)
        broadcaster.send(table_room(state.workshop.id, table), partial(render, at_table))
        broadcaster.socketio.sleep(0)  # hundreds of tables: let pushes flow between renders


def push_table_notes(broadcaster: SocketBroadcaster, state: RoomState) -> None:
    """A seated room on a whole-room activity: each table still hears which table it is."""
    from .broadcast import table_room

    rt = broadcaster.runtime
    assert rt is not None
    for table in seating.table_labels(rt, state.workshop.id):
        broadcaster.send(table_room(state.workshop.id, table), partial(
            render_template, "partials/_table_note.html", state=replace(state, table=table)))


def push_contribution(broadcaster: SocketBroadcaster, state: RoomState,
                      contribution: Contribution) -> None:
    """A card in a seated room: to its table in full (a card without a table to everyone),
    to the room as a head count, to the facilitator's screens as a fresh plenary."""
    from .broadcast import room, table_room

    workshop_id = state.workshop.id
    card = partial(render_template, "partials/_table_card.html", state=state,
                   contribution=contribution)
    table = contribution.table_label
    broadcaster.send(table_room(workshop_id, table) if table else room(workshop_id), card)
    broadcaster.send(room(workshop_id), broadcaster.latest_counts(workshop_id), key="counts",
                     min_window=COUNTS_EVERY)
    broadcaster.refresh_facilitator(workshop_id, PLENARY_EVERY)
