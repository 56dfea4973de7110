"""Render fragments once per change and push them to the workshop's Socket.IO rooms.

Every fragment's root carries an id and ``hx-swap-oob``, so a browser hands the whole push to
htmx and never builds HTML itself. Two rooms per workshop: everyone who joined, and the
facilitator's screens (control page and projector), which also get the controls.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_socketio import SocketIO

from . import big_room
from .coalesce import DELIVERY_BUDGET, Fragment, RoomBatcher
from .services import Runtime, seating
from .services import contributions as contribution_service
from .services import workshops as workshop_service

FRAGMENT_EVENT = "fragment"


def room(workshop_id: int) -> str:
    """Everyone connected to the workshop."""
    return f"w:{workshop_id}"


def facilitator_room(workshop_id: int) -> str:
    """The facilitator's control page and projector."""
    return f"w:{workshop_id}:facilitator"


def render_room(state: workshop_service.RoomState, view: str) -> str:
    """The fragments a view needs to show the whole room; used for pushes and resyncs alike."""
    return render_template("partials/_room.html", state=state, view=view)


class SocketBroadcaster:
    """The live layer the services talk to (see services.Broadcaster)."""

    def __init__(self, app: Flask, socketio: SocketIO, window: float = 0.0,
                 budget: int = DELIVERY_BUDGET) -> None:
        self.app = app
        self.socketio = socketio
        self.runtime: Runtime | None = None
        self.batcher = RoomBatcher(self._emit, self._audience, socketio.start_background_task,
                                   socketio.sleep, window, budget)

    def contribution_added(self, workshop_id: int, contribution_id: int) -> None:
        """Append one card to every screen showing that activity's wall."""
        assert self.runtime is not None
        contribution = contribution_service.get_visible(self.runtime, workshop_id, contribution_id)
        if contribution is None:
            return
        with self.app.app_context():
            state = seating.summary(self.runtime, workshop_id)  # counts, not the whole wall
            if seating.seated(state):
                big_room.push_contribution(self, state, contribution)
                return
            html = render_template("partials/_push_contribution.html", state=state,
                                   contribution=contribution)
        self.send(room(workshop_id), html)

    def workshop_changed(self, workshop_id: int) -> None:
        """The phase, activity, topic or head count changed: refresh every screen's view."""
        assert self.runtime is not None
        with self.app.app_context():
            state = workshop_service.room_state(self.runtime, workshop_id)
            if seating.seated(state):
                big_room.push_room(self, state)
                return
            everyone = render_room(state, "room")
            controls = render_template("partials/_controls.html", state=state)
        self.send(room(workshop_id), everyone)
        self.send(facilitator_room(workshop_id), controls)

    def presence_changed(self, workshop_id: int) -> None:
        """Someone joined: only the head count changes, so only it is pushed."""
        assert self.runtime is not None
        state = seating.summary(self.runtime, workshop_id)
        # The room just grew big enough to sit at tables: every view changes. A small range,
        # not one number, because people joining at the same moment may skip it.
        if state.workshop.seating is None and 0 <= state.joined - seating.AUTO_FROM < 4:
            self.workshop_changed(workshop_id)
            return
        with self.app.app_context():
            html = render_template("partials/_counts.html", state=state)
        self.send(room(workshop_id), html, key="counts")

    def send(self, to: str, html: Fragment, key: str | None = None,
             min_window: float = 0.0) -> None:
        """The one place fragments leave the server: coalesced per room (see coalesce.py);
        a ``key`` lets a newer fragment replace a waiting one with the same key."""
        self.batcher.send(to, html, key, min_window)

    def _emit(self, to: str, html: str) -> None:
        self.socketio.emit(FRAGMENT_EVENT, html, to=to)

    def _audience(self, to: str) -> int:
        """How many connections this process holds in room ``to`` (a dict lookup)."""
        return len(self.socketio.server.manager.rooms.get("/", {}).get(to, ()))
