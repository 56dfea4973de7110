"""Socket.IO events. Identity is settled once, at connect, from the signed session cookie;
every event then calls the same service an HTTP route would, and answers with an
acknowledgement ``{"ok": true, ...}`` or ``{"ok": false, "error": "plain words"}``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from .. import broadcaster_of, runtime_of
from ..i18n import chosen_language
from ..live.rooms import facilitator_room, in_language, person_room, room, table_room
from ..services import contributions as contribution_service
from ..services import pairs, presence, seating
from ..services import workshops as workshop_service
from ..services.access import Actor
from ..services.errors import NotFound, ServiceError, TooMany
from .guessing import find_guarded
from .identity import actor_for
from .socket_guard import refusal, still_connected, unknown_event


def _reply(call) -> dict[str, Any]:  # noqa: ANN001 - a zero-argument callable
    try:
        return {"ok": True, **(call() or {})}
    except ServiceError as exc:
        return refusal(exc)


def register(socketio: SocketIO) -> None:
    """Attach the handlers to ``socketio``."""
    # Who each live connection belongs to; a connection lives in one process only.
    actors: dict[str, Actor] = {}

    def _actor() -> Actor:
        """Who sent this event; every handler starts here, so the flood limit applies to all."""
        runtime_of(current_app).limits.check_event(request.sid)
        return actors.get(request.sid) or Actor(0, "stranger")

    @socketio.on("connect")
    def connect(auth: Any = None) -> bool:
        """A browser opens its live connection for one workshop; strangers are refused."""
        if request.sid in actors:  # an event named "connect" from a connected page
            return unknown_event()
        code = auth.get("workshop") if isinstance(auth, dict) else None
        if not isinstance(code, str):
            return False
        try:
            workshop = find_guarded(code)
        except TooMany as exc:
            raise ConnectionRefusedError(exc.message) from None
        except NotFound:
            return False
        actor = actor_for(workshop)
        if actor.role == "stranger":
            return False
        actors[request.sid] = actor
        # Pushes are rendered per language: this connection hears its page's language.
        language = chosen_language()
        join_room(in_language(room(workshop.id), language))
        # Always in its table's room, so a room that starts sitting at tables needs no reconnect.
        table = seating.table_of(runtime_of(current_app), actor.participant_id)
        if table:
            join_room(in_language(table_room(workshop.id, table), language))
        if actor.is_facilitator:
            join_room(in_language(facilitator_room(workshop.id), language))
        else:
            join_room(in_language(person_room(actor.participant_id), language))
            rt = runtime_of(current_app)
            presence.connected(rt, actor.participant_id, +1)
            pairs.place_late_joiner(rt, workshop.id, actor.participant_id)
        return True

    @socketio.on("disconnect")
    def disconnect(_reason: Any = None) -> dict[str, Any] | None:
        """A live connection closed. This may run inside a push to someone else (Engine.IO
        closes a silent phone's connection when something is sent to it), so it only notes
        the departure; a task of its own counts it out and tells the facilitator."""
        if still_connected(socketio):  # an event named "disconnect", not a disconnection
            return unknown_event()
        actor = actors.pop(request.sid, None)
        if actor is not None and actor.is_participant:
            broadcaster_of(current_app).departures.note(actor.participant_id)
        return None

    @socketio.on("contribute")
    def contribute(data: Any = None) -> dict[str, Any]:
        """A participant shares text; acknowledged only once it is committed, then pushed
        to the whole room by the service."""
        actor = _actor()
        payload = data if isinstance(data, dict) else {}

        def call() -> dict[str, Any]:
            contribution, created = contribution_service.contribute(
                runtime_of(current_app), actor, payload.get("activity"), payload.get("text"),
                payload.get("client_id"))
            return {"id": contribution.id, "duplicate": not created}

        return _reply(call)

    @socketio.on("move")
    def move(data: Any = None) -> dict[str, Any]:
        """The facilitator steps the room forward or back; everyone's screen follows."""
        actor = _actor()
        direction = data.get("direction") if isinstance(data, dict) else None
        return _reply(lambda: {"phase": workshop_service.move(runtime_of(current_app), actor,
                                                              str(direction))})

    @socketio.on("choose_activity")
    def choose_activity(data: Any = None) -> dict[str, Any]:
        """The facilitator opens another activity of the current phase."""
        actor = _actor()
        key = data.get("activity") if isinstance(data, dict) else None
        return _reply(lambda: workshop_service.choose_activity(runtime_of(current_app), actor,
                                                               str(key)))
