"""The broadcaster the services talk to: it reads what changed once, renders the fragments
once per language listening, and pushes them to the workshop's channels (channels.py).

What differs per person is never rendered in a broadcast: the push asks those browsers to
fetch their own part over HTTP. A room seated at tables (services.seating) hears a card at
its own table only, and the facilitator's screens a plenary; a phase change there renders
one view per table, never one per person, and never the whole wall for everyone. Each
language's room is its own room for coalescing (coalesce.py): a busy room's fragments wait a
moment and leave together, rendered in that language when the push leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial

import socketio as engine
from flask import Flask, g, has_request_context, render_template
from flask_babel import force_locale
from flask_socketio import SocketIO

from ..i18n import LANGUAGES
from ..services import Runtime, presence, seating, views
from ..services import contributions as contribution_service
from ..store import Contribution
from . import pace
from .channels import (
    FRAGMENT_EVENT,
    everyone,
    facilitator_screens,
    in_language,
    one_person,
    one_table,
    participant_of,
    workshop_of,
)
from .coalesce import DELIVERY_BUDGET, ChannelBatcher, Fragment
from .departures import Departures
from .fragments import render_facilitator, render_projector_wall, render_room, when_it_leaves
from .heartbeat import BEAT_EVERY, Heartbeat
from .throttle import Throttle
from .watchdog import Watchdog


class SocketBroadcaster:
    """The live layer the services talk to (see services.Broadcaster).

    Each method reads what changed once, then hands ``send`` a function that renders the
    fragment, so the rendering happens once per language that has someone listening. A part
    of the page that many changes redraw (head counts, the facilitator's panel) is sent with
    a key instead: its function reads the latest state itself, when the push leaves.
    """

    def __init__(self, app: Flask, socketio: SocketIO, window: float = 0.0,
                 budget: int = DELIVERY_BUDGET, beat_every: float = BEAT_EVERY) -> None:
        self.app = app
        self.socketio = socketio
        self.runtime: Runtime | None = None
        self.batcher = ChannelBatcher(self._emit, self._audience, socketio.start_background_task,
                                   socketio.sleep, window, budget, lost=self._push_lost)
        # The web layer notes closed connections here; never inside a send (departures.py).
        self.departures = Departures(lambda changes: presence.changed(self._rt(), changes),
                                     socketio.start_background_task)
        self.heartbeat = Heartbeat(self._send_beat, self._local_channels, self._beat_spread,
                                   beat_every)
        self.fetch_pace = pace.FetchPace()  # web.interviews.me tells it each fetch's time
        self.arrivals = Throttle(socketio.start_background_task, socketio.sleep)

    @contextmanager
    def _rendering(self, language: str | None = None) -> Iterator[None]:
        """An app context for rendering a broadcast, in ``language``, marked so that forms in
        it carry no session's CSRF token (see web.csrf_field)."""
        if has_request_context():
            context = self.app.app_context()
        else:
            # A change made outside any request (command line, background task) still
            # renders links: give the templates a request for the configured address.
            base = self.app.config.get("PUBLIC_URL") or self.app.config.get("LAN_URL")
            context = self.app.test_request_context("/", base_url=base or None)
        with context:
            g.broadcast = True
            if language is None:
                yield
                return
            g.language = language
            with force_locale(language):
                yield

    def _rt(self) -> Runtime:
        assert self.runtime is not None, "create_app() attaches the runtime"
        return self.runtime

    def contribution_added(self, workshop_id: int, contribution_id: int) -> None:
        """Append one card to every screen showing that activity's wall."""
        contribution = contribution_service.get_visible(self._rt(), workshop_id, contribution_id)
        if contribution is None:
            return
        with self._rendering():
            state = views.room_summary(self._rt(), workshop_id)  # counts, not every card
        if state.table_walls:
            self._push_contribution_to_tables(state, contribution)
            return
        self.send(everyone(workshop_id), lambda: render_template(
            "partials/_push_contribution.html", state=state, contribution=contribution))
        self.send(facilitator_screens(workshop_id), lambda: render_template(
            "partials/_push_facilitator_card.html", state=state, contribution=contribution))

    def workshop_changed(self, workshop_id: int) -> None:
        """Phase, activity, topic or settings changed: refresh every screen's whole view."""
        with self._rendering():
            state = views.table_state(self._rt(), workshop_id, None)

        spread = self._refetch_spread(workshop_id, "my-panel")

        def render(state: views.RoomState) -> str:
            return render_room(state, "room") + render_template(
                "partials/_refetch.html", target="my-panel", state=state, spread=spread)

        if state.table_walls:
            self._push_to_tables(state, render)
        else:
            self.send(everyone(workshop_id), partial(render, state))
            self.send(facilitator_screens(workshop_id), partial(render_projector_wall, state))
            if state.seated:
                self._push_table_notes(state)
        self.refresh_facilitator(workshop_id)

    def board_changed(self, workshop_id: int) -> None:
        """Cards, stories, themes, dreams, statements, commitments or check-out answers
        changed: the shared board and the facilitator's panel. Every phone also fetches
        again its own part that lists the board (its ballot, or its action teams).

        A whole-room board is sent with a key and read when its push leaves, so ten dreams
        shared in one window cost one board and one round of those fetches, not ten; in a
        seated room, not more often than ``pace.BOARD_EVERY``."""
        with self._rendering():
            layout = views.layout(self._rt(), workshop_id)
        # A phone's own part that lists the board (its ballot, its teams) is fetched again.
        own_list = layout.activity_kind.own_list if layout.activity_kind else None
        spread = self._refetch_spread(workshop_id, own_list or "")

        def render(state: views.RoomState) -> str:
            html = render_template("partials/_board_bag.html", state=state, view="room")
            if state.activity_kind and state.activity_kind.own_list:
                html += render_template("partials/_refetch.html",
                                        target=state.activity_kind.own_list,
                                        state=state, spread=spread)
            return html

        def render_whole_room(latest: views.RoomState) -> str:
            # Moved on to an activity shown per table while this waited: the move itself
            # sent each table its own view, which a whole-room board must not replace.
            return "" if latest.table_walls else render(latest)

        if layout.table_walls:
            with self._rendering():
                state = views.table_state(self._rt(), workshop_id, None)
            self._push_to_tables(state, render)
        else:
            # Nothing more is read now: the board is read when its pushes leave.
            latest = partial(views.table_state, self._rt(), workshop_id, None)
            every = pace.BOARD_EVERY if layout.seated else 0.0
            self.send(everyone(workshop_id), when_it_leaves(latest, render_whole_room), key="board",
                      min_window=every)
            self.refresh_projector_wall(workshop_id, every)
        self.refresh_facilitator(workshop_id)

    def votes_changed(self, workshop_id: int, participant_id: str) -> None:
        """Someone placed or took back a dot: only their own ballot changes, and the
        facilitator's count of people who have voted. No total is sent anywhere."""
        self._ask_to_refetch(workshop_id, [participant_id], "my-votes")
        self.refresh_facilitator(workshop_id)

    def pairs_changed(self, workshop_id: int, participant_ids: Iterable[str] | None) -> None:
        """Pairs were formed or changed: those people (None: everyone) fetch their own panel."""
        self._ask_to_refetch(workshop_id, participant_ids, "my-panel")
        self.refresh_facilitator(workshop_id)

    def stories_changed(self, workshop_id: int, participant_ids: Iterable[str]) -> None:
        """A story or quote answer changed: its recorder and teller refresh their quotes
        panel, and the room's story board follows (it may have been shared)."""
        self._ask_to_refetch(workshop_id, participant_ids, "my-quotes")
        self.board_changed(workshop_id)

    def timer_changed(self, workshop_id: int) -> None:
        with self._rendering():
            state = views.room_summary(self._rt(), workshop_id)
        self.send(everyone(workshop_id), lambda: render_template("partials/_timer.html", state=state))

    def connections_changed(self, workshop_id: int) -> None:
        """A phone connected or left: only the facilitator's counts of who is here change.
        A room of phones connecting at once redraws that panel a few times a second."""
        self.refresh_facilitator(workshop_id, pace.CONNECTIONS_EVERY)

    def presence_changed(self, workshop_id: int) -> None:
        """Someone joined: only the head counts change. A room joining at once hears them at
        a pace (pace.arrivals_every), the last arrival's always."""
        phones = sum(self._audience(in_language(everyone(workshop_id), language))
                     for language in LANGUAGES)
        every = pace.arrivals_every(phones) if self.batcher.max_window > 0 else 0.0
        self.arrivals.request(workshop_id, partial(
            self.send, everyone(workshop_id), self.latest_counts(workshop_id), key="counts"),
            every)

    def latest_counts(self, workshop_id: int) -> Callable[[], str]:
        """The head counts, read and rendered when the push leaves."""
        return when_it_leaves(partial(views.room_summary, self._rt(), workshop_id),
                              lambda state: render_template("partials/_counts.html", state=state))

    def _ask_to_refetch(self, workshop_id: int, participant_ids: Iterable[str] | None,
                        target: str) -> None:
        with self._rendering():
            state = views.room_summary(self._rt(), workshop_id)
        spread = self._refetch_spread(workshop_id, target) if participant_ids is None else 0

        def render() -> str:
            return render_template("partials/_refetch.html", target=target, state=state,
                                   spread=spread)

        if participant_ids is None:
            self.send(everyone(workshop_id), render)
            return
        for participant_id in set(participant_ids):
            if participant_id:
                self.send(one_person(participant_id), render)

    def refresh_facilitator(self, workshop_id: int, min_window: float = 0.0) -> None:
        """The facilitator's panel (and a seated room's projector, which shows the plenary),
        read and rendered when the push leaves, so many changes in a window cost one."""

        def render(view: views.FacilitatorView) -> str:
            html = render_facilitator(view)
            if view.plenary is not None:
                html += render_room(view.room, "projector", view.plenary)
            return html

        latest = partial(views.facilitator_view, self._rt(), workshop_id)
        self.send(facilitator_screens(workshop_id), when_it_leaves(latest, render),
                  key="facilitator", min_window=min_window)

    def refresh_projector_wall(self, workshop_id: int, min_window: float = 0.0) -> None:
        """The projector's wall with every item, read when the push leaves. The room's push
        carries the phones' shorter wall, which the projector leaves aside
        (static/js/live/parts.js), so that neither can overwrite the other whichever arrives
        last. A room shown per table has the plenary in its place (refresh_facilitator)."""
        latest = partial(views.table_state, self._rt(), workshop_id, None)
        self.send(facilitator_screens(workshop_id), when_it_leaves(latest, render_projector_wall),
                  key="projector-wall", min_window=min_window)

    def workshop_deleted(self, workshop_id: int) -> None:
        """The workshop is gone: every screen says so, forgets its drafts, and is let go.

        The notice is emitted at once, past the batcher, so that it leaves before the
        connections go, whatever else is waiting. Connections held by other processes
        (scale-out) get it through the message queue and close themselves; any event they
        still send finds the workshop gone."""
        self.arrivals.forget(workshop_id)
        manager = self.socketio.server.manager
        for language in self._languages_listening(everyone(workshop_id)):
            to = in_language(everyone(workshop_id), language)
            self._emit(to, self._render(
                lambda: render_template("partials/_workshop_deleted.html"), language))
            for sid, _eio_sid in list(manager.get_participants("/", to)):
                self.socketio.server.disconnect(sid)

    def _push_to_tables(self, state: views.RoomState,
                        render: Callable[[views.RoomState], str]) -> None:
        """Push ``state`` to each table with that table's cards, rendered once per table (and
        language) when the push leaves; the wall is read once for all tables."""
        rt = self._rt()
        by_table = seating.cards_by_table(rt, state.workshop.id,
                                          state.activity.key if state.activity else None)
        for table in seating.table_labels(rt, state.workshop.id):
            at_table = replace(state, contributions=seating.for_table(by_table, table),
                               table=table)
            self.send(one_table(state.workshop.id, table), partial(render, at_table))
            self.socketio.sleep(0)  # hundreds of tables: let pushes flow between renders

    def _push_table_notes(self, state: views.RoomState) -> None:
        """A seated room on a whole-room activity: each table still hears which table it is."""
        for table in seating.table_labels(self._rt(), state.workshop.id):
            self.send(one_table(state.workshop.id, table), partial(
                render_template, "partials/_table_note.html", state=replace(state, table=table)))

    def _push_contribution_to_tables(self, state: views.RoomState,
                                     contribution: Contribution) -> None:
        """A card in a seated room: to its table in full (a card without a table to everyone),
        to the room as a head count, to the facilitator's screens as a fresh plenary."""
        workshop_id = state.workshop.id
        card = partial(render_template, "partials/_table_card.html", state=state,
                       contribution=contribution)
        table = contribution.table_label
        self.send(one_table(workshop_id, table) if table else everyone(workshop_id), card)
        self.send(everyone(workshop_id), self.latest_counts(workshop_id), key="counts",
                  min_window=pace.COUNTS_EVERY)
        self.refresh_facilitator(workshop_id, pace.PLENARY_EVERY)


    def send(self, to: str, fragment: Fragment, key: str | None = None,
             min_window: float = 0.0) -> None:
        """The one place fragments leave the server: for each language that has someone
        listening in ``to``, coalesced in that language's room (see coalesce.py) and rendered
        in that language when the push leaves. A ``key`` marks a function that reads the
        latest state of one part of the page; ``min_window`` keeps a costly one from being
        rendered more often than that."""
        for language in self._languages_listening(to):
            self.batcher.send(in_language(to, language),
                              partial(self._render, fragment, language), key, min_window)

    def _render(self, fragment: Fragment, language: str) -> str:
        with self._rendering(language):
            return fragment() if callable(fragment) else fragment

    def _emit(self, to: str, html: str) -> None:
        if html:
            self.socketio.emit(FRAGMENT_EVENT, html, to=to)

    def start_live_tasks(self) -> None:
        """The heartbeat and the watchdog, for the life of a live server."""
        watchdog = Watchdog([self.batcher, self.departures])
        self.socketio.start_background_task(self.heartbeat.run, self.socketio.sleep)
        self.socketio.start_background_task(watchdog.run, self.socketio.sleep)

    def _send_beat(self, to: str, beat: Callable[[], str], key: str) -> None:
        self.batcher.send(to, beat, key)

    def _local_channels(self) -> list[str]:
        """The channels this process holds connections on."""
        return list(self.socketio.server.manager.rooms.get("/", {}))

    def _beat_spread(self, to: str) -> int:
        """Over how many milliseconds the pages in ``to`` spread a fetch of their whole view
        when a beat tells them they missed a push."""
        return self.fetch_pace.spread_ms(
            "state", self._audience(to),
            int(self.app.config.get("SPREAD_FROM") or pace.SPREAD_FROM))

    def _push_lost(self, to: str) -> None:
        """A push to ``to`` could not be rendered or sent: every page of that workshop
        finds a gap in the next beat's numbering and fetches its view again."""
        workshop_id = workshop_of(to)
        participant_id = participant_of(to)
        if workshop_id is None and participant_id is not None:
            workshop_id = presence.workshop_of(self._rt(), participant_id)
        if workshop_id is not None:
            self.heartbeat.skip(workshop_id)

    def _audience(self, to: str) -> int:
        """How many connections this process holds in room ``to`` (a dict lookup)."""
        return len(self.socketio.server.manager.rooms.get("/", {}).get(to, ()))

    def _refetch_spread(self, workshop_id: int, part: str) -> int:
        """Milliseconds over which the room's phones spread a fetch of their own ``part``, so
        a big room's fetches arrive at a pace this process can answer (pace.py)."""
        phones = sum(self._audience(in_language(everyone(workshop_id), language))
                     for language in LANGUAGES)
        return self.fetch_pace.spread_ms(
            part, phones, int(self.app.config.get("SPREAD_FROM") or pace.SPREAD_FROM))

    def _languages_listening(self, to: str) -> list[str]:
        """The languages with a connection in ``to``. This process only knows its own
        connections; behind a message queue others may listen, so every language is rendered."""
        manager = self.socketio.server.manager
        if isinstance(manager, engine.PubSubManager):
            return list(LANGUAGES)
        rooms = manager.rooms.get("/", {})
        return [language for language in LANGUAGES if rooms.get(in_language(to, language))]
