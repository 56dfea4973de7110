"""Whatever arrives over a live connection gets a clear answer, never a crash.

Unknown events, extra arguments, floods and refusals from the services all come back as an
acknowledgement ``{"ok": false, "error": "plain words"}`` (with ``retry_after`` seconds when
the sender should slow down). Only a real fault is logged, by event name alone: a payload may
hold what someone wrote, and logs must never hold that.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_babel import gettext
from flask_socketio import SocketIO

from .. import runtime_of
from ..services.errors import ServiceError, TooMany
from ..words import N_

UNKNOWN = N_("This page sent something the server does not understand. Please reload the "
             "page; your text is kept.")
ONE_PAYLOAD = N_("Each event carries one object. Please reload the page; your text is kept.")
FAULT = N_("Something went wrong on our side. Please try again.")


def unknown_event() -> dict[str, Any]:
    """The acknowledgement for an event the server has no handler for."""
    return {"ok": False, "error": gettext(UNKNOWN)}


def still_connected(socketio: SocketIO) -> bool:
    """True if the sender is connected, so "disconnect" arrived as an event a client sent
    (a real disconnection is marked as under way before its handler runs)."""
    return socketio.server.manager.is_connected(request.sid, request.namespace)


def refusal(exc: ServiceError) -> dict[str, Any]:
    """The acknowledgement for a refused event."""
    reply: dict[str, Any] = {"ok": False, "error": exc.message}
    if isinstance(exc, TooMany):
        reply["retry_after"] = exc.retry_after
    return reply


def any_other_event(_event: Any, *_args: Any) -> dict[str, Any]:
    """Any event without a handler of its own, from a broken or hostile page: counted
    against the flood limit and refused in words; nothing is pushed."""
    try:
        runtime_of(current_app).limits.check_event(request.sid)
    except TooMany as exc:
        return refusal(exc)
    return unknown_event()


def on_error(exc: Exception) -> Any:
    """A handler raised: a refusal for the sender, and a log line naming only the event
    (payloads may hold what someone wrote)."""
    event = request.event.get("message")
    if event == "connect":
        # Anything but False would let the connection in.
        current_app.logger.error("Live connection refused after a fault: %s",
                                 type(exc).__name__)
        return False
    if isinstance(exc, ServiceError):
        return refusal(exc)
    if len(request.event.get("args") or ()) > 1:
        return {"ok": False, "error": gettext(ONE_PAYLOAD)}
    current_app.logger.error("Socket event %r failed: %s", str(event)[:40],
                             type(exc).__name__, exc_info=exc)
    return {"ok": False, "error": gettext(FAULT)}


def register(socketio: SocketIO) -> None:
    """Attach the catch-all event and the error handler to ``socketio``."""
    socketio.on_event("*", any_other_event)
    socketio.on_error_default(on_error)
