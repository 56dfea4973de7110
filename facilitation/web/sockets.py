"""The live protocol: every Socket.IO event a page sends, on one screen.

Identity is settled once, at connect, from the signed session cookie, and kept for as long
as the connection is open (``Connections``: a connection lives in one process). Every event
then calls the same
service an HTTP route would and answers with an acknowledgement ``{"ok": true, ...}`` or
``{"ok": false, "error": "plain words"}``; what the service changed reaches the room through
the broadcaster (facilitation/live/broadcast.py), never from here.

| event | sent by | answer | pushed, by the service |
| --- | --- | --- | --- |
| connect | every live page | listens on its channels | the facilitator's counts |
| disconnect | the connection closing | none | the facilitator's counts, by a task |
| contribute | a phone's composer | the card's id | the card to the room |
| move | the facilitator | the new phase | every screen's whole view |
| choose_activity | the facilitator | ok | every screen's whole view |
| anything else | a broken or hostile page | a refusal | nothing (socket_guard.py) |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from .. import broadcaster_of, runtime_of, socketio_of
from ..i18n import chosen_language
from ..live.channels import everyone, facilitator_screens, in_language, one_person, one_table
from ..services import contributions as contribution_service
from ..services import pairs, presence, seating
from ..services import workshops as workshop_service
from ..services.access import Actor
from ..services.errors import NotFound, ServiceError, TooMany
from .guessing import find_guarded
from .identity import actor_for
from .socket_guard import refusal, still_connected, unknown_event

Reply = dict[str, Any]
STRANGER = Actor(0, "stranger")


class Connections:
    """Who each open live connection of this process belongs to."""

    def __init__(self) -> None:
        self._actors: dict[str, Actor] = {}

    def opened(self, sid: str, actor: Actor) -> None:
        self._actors[sid] = actor

    def closed(self, sid: str) -> Actor | None:
        return self._actors.pop(sid, None)

    def of(self, sid: str) -> Actor | None:
        return self._actors.get(sid)


def connect(auth: Any = None) -> bool:
    """Sent by every live page as it opens its connection for one workshop (``auth``:
    ``{"workshop": code}``). Strangers are refused. Listens on the workshop's channel, its table's,
    and the facilitator's or the person's own, all in the page's language; a participant is
    counted in, which pushes the facilitator's counts."""
    if _connections().of(request.sid) is not None:  # an event named "connect" from a page
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
    _connections().opened(request.sid, actor)
    language = chosen_language()
    join_room(in_language(everyone(workshop.id), language))
    rt = runtime_of(current_app)
    # Always on its table's channel, so a room that starts sitting at tables needs no reconnect.
    table = seating.table_of(rt, actor.participant_id)
    if table:
        join_room(in_language(one_table(workshop.id, table), language))
    if actor.is_facilitator:
        join_room(in_language(facilitator_screens(workshop.id), language))
    else:
        join_room(in_language(one_person(actor.participant_id), language))
        presence.connected(rt, actor.participant_id, +1, workshop.id)
        if pairs.interviewing(rt, workshop):
            pairs.place_late_joiner(rt, workshop.id, actor.participant_id)
    return True


def disconnect(_reason: Any = None) -> Reply | None:
    """The connection closed. This may run inside a push to someone else (Engine.IO lets a
    silent phone go when something is sent to it), so it only notes the departure; a task of
    its own counts it out and pushes the facilitator's counts (live/departures.py)."""
    if still_connected(socketio_of(current_app)):  # an event named "disconnect" a page sent
        return unknown_event()
    actor = _connections().closed(request.sid)
    if actor is not None and actor.is_participant:
        broadcaster_of(current_app).departures.note(actor.participant_id)
    return None


def contribute(data: Any = None) -> Reply:
    """Sent by a phone's composer: ``{"activity", "text", "client_id"}``. Answered once the
    card is committed (a repeat of the same ``client_id`` finds the stored one); the service
    pushes the card to the room."""
    actor = _sender()
    payload = data if isinstance(data, dict) else {}

    def call() -> Reply:
        contribution, created = contribution_service.contribute(
            runtime_of(current_app), actor, payload.get("activity"), payload.get("text"),
            payload.get("client_id"))
        return {"id": contribution.id, "duplicate": not created}

    return _reply(call)


def move(data: Any = None) -> Reply:
    """Sent by the facilitator: ``{"direction": "forward" | "back"}``. Answers with the new
    phase; every screen's whole view is pushed."""
    actor = _sender()
    direction = data.get("direction") if isinstance(data, dict) else None
    return _reply(lambda: {"phase": workshop_service.move(runtime_of(current_app), actor,
                                                          str(direction))})


def choose_activity(data: Any = None) -> Reply:
    """Sent by the facilitator: ``{"activity": key}`` of the current phase; every screen's
    whole view is pushed."""
    actor = _sender()
    key = data.get("activity") if isinstance(data, dict) else None
    return _reply(lambda: workshop_service.choose_activity(runtime_of(current_app), actor,
                                                           str(key)))


HANDLERS: dict[str, Callable[..., Any]] = {
    "connect": connect, "disconnect": disconnect, "contribute": contribute, "move": move,
    "choose_activity": choose_activity}


def register(app: Flask, socketio: SocketIO) -> None:
    """Attach the handlers above to ``socketio``, and the app's register of connections."""
    app.extensions["appreciate_connections"] = Connections()
    for event, handler in HANDLERS.items():
        socketio.on_event(event, handler)


def _sender() -> Actor:
    """Who sent this event; every handler starts here, so the flood limit applies to all
    (but the facilitator)."""
    actor = _connections().of(request.sid)
    runtime_of(current_app).limits.check_event(request.sid, actor)
    return actor or STRANGER


def _connections() -> Connections:
    return current_app.extensions["appreciate_connections"]


def _reply(call: Callable[[], Reply | None]) -> Reply:
    try:
        return {"ok": True, **(call() or {})}
    except ServiceError as exc:
        return refusal(exc)
