"""Render fragments once per change and push them to the workshop's Socket.IO rooms.

Every fragment's root carries an id and ``hx-swap-oob``, so a browser hands the whole push to
htmx and never builds HTML itself. Rooms per workshop: everyone who joined (``room``), the
facilitator's screens (``facilitator_room``: control page and projector) and one per
participant (``person_room``) for what concerns only them. What differs per person is never
rendered in a broadcast: the push asks those browsers to fetch their own part over HTTP.

Each connection also belongs to one interface language, so every room exists once per language
(``in_language``): a push is rendered once per language that has someone listening, never once
per person, and what people wrote is the same in all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import socketio as engine
from flask import Flask, g, has_request_context, render_template
from flask_babel import force_locale
from flask_socketio import SocketIO

from .i18n import LANGUAGES
from .services import Runtime
from .services import contributions as contribution_service
from .services import room as room_model

FRAGMENT_EVENT = "fragment"

# A fragment, or the function that renders it (called once per language that listens).
Fragment = str | Callable[[], str]

# Per-person parts that list the shared board, fetched again by each phone when it changes.
OWN_LISTS = {"dreams": "my-votes", "propositions": "my-votes", "commitments": "my-teams"}


def room(workshop_id: int) -> str:
    """Everyone connected to the workshop."""
    return f"w:{workshop_id}"


def facilitator_room(workshop_id: int) -> str:
    """The facilitator's control page and projector."""
    return f"w:{workshop_id}:facilitator"


def person_room(participant_id: str) -> str:
    """Every tab of one participant."""
    return f"p:{participant_id}"


def in_language(room_name: str, language: str) -> str:
    """The members of ``room_name`` whose interface is in ``language``; pushes go only here."""
    return f"{room_name}@{language}"


def render_room(state: room_model.RoomState, view: str) -> str:
    """The fragments a view needs to show the whole room; used for pushes and resyncs alike."""
    return render_template("partials/_room.html", state=state, view=view)


def render_facilitator(view: room_model.FacilitatorView) -> str:
    """The facilitator's own fragments: the controls and the activity's working panel."""
    return render_template("partials/_facilitator_bag.html", fv=view, state=view.room)


class SocketBroadcaster:
    """The live layer the services talk to (see services.Broadcaster).

    Each method reads what changed once, then hands ``send`` a function that renders the
    fragment, so the rendering happens once per language that has someone listening.
    """

    def __init__(self, app: Flask, socketio: SocketIO) -> None:
        self.app = app
        self.socketio = socketio
        self.runtime: Runtime | None = None

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
            state = room_model.room_state(self._rt(), workshop_id)
        self.send(room(workshop_id), lambda: render_template(
            "partials/_push_contribution.html", state=state, contribution=contribution))
        self.send(facilitator_room(workshop_id), lambda: render_template(
            "partials/_push_facilitator_card.html", state=state, contribution=contribution))

    def workshop_changed(self, workshop_id: int) -> None:
        """Phase, activity, topic or settings changed: refresh every screen's whole view."""
        with self._rendering():
            state = room_model.room_state(self._rt(), workshop_id)
        self.send(room(workshop_id), lambda: render_room(state, "room") + render_template(
            "partials/_refetch.html", target="my-panel", state=state))
        self._facilitator(workshop_id)

    def board_changed(self, workshop_id: int) -> None:
        """Cards, stories, themes, dreams, statements, commitments or check-out answers
        changed: the shared board and the facilitator's panel. Every phone also fetches
        again its own part that lists the board (its ballot, or its action teams)."""
        with self._rendering():
            state = room_model.room_state(self._rt(), workshop_id)

        def render() -> str:
            html = render_template("partials/_board_bag.html", state=state)
            if state.kind in OWN_LISTS:
                html += render_template("partials/_refetch.html", target=OWN_LISTS[state.kind],
                                        state=state)
            return html

        self.send(room(workshop_id), render)
        self._facilitator(workshop_id)

    def votes_changed(self, workshop_id: int, participant_id: str) -> None:
        """Someone placed or took back a dot: only their own ballot changes, and the
        facilitator's count of people who have voted. No total is sent anywhere."""
        self._ask_to_refetch(workshop_id, [participant_id], "my-votes")
        self._facilitator(workshop_id)

    def pairs_changed(self, workshop_id: int, participant_ids: Iterable[str] | None) -> None:
        """Pairs were formed or changed: those people (None: everyone) fetch their own panel."""
        self._ask_to_refetch(workshop_id, participant_ids, "my-panel")
        self._facilitator(workshop_id)

    def stories_changed(self, workshop_id: int, participant_ids: Iterable[str]) -> None:
        """A story or quote answer changed: its recorder and teller refresh their quotes
        panel, and the room's story board follows (it may have been shared)."""
        self._ask_to_refetch(workshop_id, participant_ids, "my-quotes")
        self.board_changed(workshop_id)

    def timer_changed(self, workshop_id: int) -> None:
        with self._rendering():
            state = room_model.room_state(self._rt(), workshop_id)
        self.send(room(workshop_id), lambda: render_template("partials/_timer.html", state=state))

    def connections_changed(self, workshop_id: int) -> None:
        """A phone connected or left: only the facilitator's counts of who is here change."""
        self._facilitator(workshop_id)

    def presence_changed(self, workshop_id: int) -> None:
        """Someone joined, arrived or left: only the head counts change."""
        with self._rendering():
            state = room_model.room_state(self._rt(), workshop_id)
        self.send(room(workshop_id), lambda: render_template("partials/_counts.html", state=state))

    def _ask_to_refetch(self, workshop_id: int, participant_ids: Iterable[str] | None,
                        target: str) -> None:
        with self._rendering():
            state = room_model.room_state(self._rt(), workshop_id)

        def render() -> str:
            return render_template("partials/_refetch.html", target=target, state=state)

        if participant_ids is None:
            self.send(room(workshop_id), render)
            return
        for participant_id in set(participant_ids):
            if participant_id:
                self.send(person_room(participant_id), render)

    def _facilitator(self, workshop_id: int) -> None:
        with self._rendering():
            view = room_model.facilitator_view(self._rt(), workshop_id)
        self.send(facilitator_room(workshop_id), lambda: render_facilitator(view))

    def workshop_deleted(self, workshop_id: int) -> None:
        """The workshop is gone: every screen says so, forgets its drafts, and is let go.

        Connections held by other processes (scale-out) get the notice through the message
        queue and close themselves; any event they still send finds the workshop gone."""
        self.send(room(workshop_id), lambda: render_template("partials/_workshop_deleted.html"))
        manager = self.socketio.server.manager
        for language in LANGUAGES:
            members = manager.get_participants("/", in_language(room(workshop_id), language))
            for sid, _eio_sid in list(members):
                self.socketio.server.disconnect(sid)

    def send(self, to: str, fragment: Fragment) -> None:
        """The one place fragments leave the server (batching can wrap it): rendered once
        for each language that has someone listening in ``to``."""
        for language in self._languages_listening(to):
            with self._rendering(language):
                html = fragment() if callable(fragment) else fragment
            self.socketio.emit(FRAGMENT_EVENT, html, to=in_language(to, language))

    def _languages_listening(self, to: str) -> list[str]:
        """The languages with a connection in ``to``. This process only knows its own
        connections; behind a message queue others may listen, so every language is rendered."""
        manager = self.socketio.server.manager
        if isinstance(manager, engine.PubSubManager):
            return list(LANGUAGES)
        rooms = manager.rooms.get("/", {})
        return [language for language in LANGUAGES if rooms.get(in_language(to, language))]
