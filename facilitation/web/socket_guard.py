"""Whatever arrives over a live connection gets a clear answer, never a crash, and one bad
connection costs only itself.

Unknown events, extra arguments, floods and refusals from the services all come back as an
acknowledgement ``{"ok": false, "error": "plain words"}`` (with ``retry_after`` seconds when
the sender should slow down). Only a real fault is logged, by event name alone: a payload may
hold what someone wrote, and logs must never hold that.

What no working page sends — frames that are not Socket.IO, events nobody handles, events
past the flood limit — is counted against the connection that sent it (``Offences``); after
a few the connection is closed, and the log says so in one line per address a minute. Before
this, half a second of broken frames from a stranger froze every live update for 14–26 s:
each was logged with its stack on the greenlet that read it, and nothing else ran.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any

import socketio as python_socketio
from flask import Flask, current_app, request
from flask_babel import gettext
from flask_socketio import SocketIO

from .. import runtime_of
from ..services.errors import ServiceError, TooMany
from ..translation import N_
from .sender import DEVICE

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

UNKNOWN = N_("This page sent something the server does not understand. Please reload the "
             "page; your text is kept.")
ONE_PAYLOAD = N_("Each event carries one object. Please reload the page; your text is kept.")
FAULT = N_("Something went wrong on our side. Please try again.")


# What a connection may send that no working page does before it is closed. A page whose
# outbox catches up after a tunnel can meet the flood limit a few times; never twenty.
OFFENCES_ALLOWED = 20
# One log line per offending address this often, however many connections it opens.
LOG_EVERY = 60.0
# A sender whose connection was closed waits this long before it may open another, doubling
# each time it is closed again, up to PENALTY_MOST; forgotten after PENALTY_FORGET quiet.
PENALTY_FIRST = 5.0
PENALTY_MOST = 120.0
PENALTY_FORGET = 600.0

log = logging.getLogger(__name__)
# Socket.IO packet types that only a connected page sends: event, ack, binary event and ack.
EVENT_PACKETS = frozenset("2356")


class Offences:
    """Counts, per live connection, what it sent that no working page sends, and closes it
    after ``allowed``. It sits in front of Socket.IO's own reading of each frame, so a frame
    that cannot be read is counted instead of logged with its stack; and after every frame
    it lets the other connections run, so one connection's backlog cannot hold them back."""

    def __init__(self, server: python_socketio.Server, allowed: int = OFFENCES_ALLOWED,
                 log_every: float = LOG_EVERY,
                 sender_of: Callable[[WSGIEnvironment], str] | None = None) -> None:
        self._server = server
        self._allowed, self._log_every = allowed, log_every
        self._sender_of = sender_of or _address
        # sender: (may connect again at, the wait it was given)
        self._penalties: dict[str, tuple[float, float]] = {}
        self._counts: dict[str, int] = {}  # engine.io connection: offences so far
        self._closing: set[str] = set()
        self._logged: dict[str, tuple[float, int]] = {}  # address: last line, closed since
        self._read_frame = server._handle_eio_message
        self._forget_connection = server._handle_eio_disconnect
        server.eio.on("message", self._frame)
        server.eio.on("disconnect", self._gone)

    def _frame(self, eio_sid: str, data: object) -> None:
        if eio_sid in self._closing:
            return
        if self._before_connecting(eio_sid, data):
            self.offence(eio_sid, "an event before connecting (or after being refused)")
            self._server.sleep(0)
            return
        try:
            self._read_frame(eio_sid, data)
        except Exception as exc:  # a frame that is not Socket.IO: the sender's fault
            self.offence(eio_sid, f"a frame that is not Socket.IO ({type(exc).__name__})")
        finally:
            self._server.sleep(0)

    def _before_connecting(self, eio_sid: str, data: object) -> bool:
        """True for an event or acknowledgement from a connection that is not (or no longer)
        connected: Socket.IO would drop it unread, but the frames would keep coming."""
        return (isinstance(data, str) and data[:1] in EVENT_PACKETS
                and self._server.manager.sid_from_eio_sid(eio_sid, "/") is None)

    def _gone(self, eio_sid: str, reason: object = None) -> None:
        self._counts.pop(eio_sid, None)
        self._closing.discard(eio_sid)
        self._forget_connection(eio_sid, reason)

    def offence_by(self, sid: str, what: str) -> None:
        """Count an offence by the Socket.IO connection ``sid`` (a handler's ``request.sid``)."""
        eio_sid = self._server.manager.eio_sid_from_sid(sid, "/")
        if eio_sid is not None:
            self.offence(eio_sid, what)

    def offence(self, eio_sid: str, what: str) -> None:
        """Count one; at the limit, close the connection (its disconnect runs as usual)."""
        count = self._counts[eio_sid] = self._counts.get(eio_sid, 0) + 1
        if count < self._allowed or eio_sid in self._closing:
            return
        self._closing.add(eio_sid)
        self._log(eio_sid, what, count)
        self.penalise(self._server.environ.get(eio_sid) or {})
        self._server.eio.disconnect(eio_sid)

    def penalise(self, environ: WSGIEnvironment) -> None:
        """Make this connection's sender wait before its next one (doubling each time)."""
        now = time.monotonic()
        if len(self._penalties) > 10_000:
            self._penalties = {k: v for k, v in self._penalties.items()
                               if now - v[0] < PENALTY_FORGET}
        sender = self._sender_of(environ)
        until, wait = self._penalties.get(sender, (0.0, 0.0))
        wait = PENALTY_FIRST if now - until > PENALTY_FORGET else min(PENALTY_MOST, wait * 2)
        self._penalties[sender] = (now + wait, wait)

    def wait_before_connecting(self, environ: WSGIEnvironment) -> float:
        """Seconds this sender must still wait before a new live connection (0: none)."""
        if not self._penalties:
            return 0.0
        until, _wait = self._penalties.get(self._sender_of(environ), (0.0, 0.0))
        return max(0.0, until - time.monotonic())

    def _log(self, eio_sid: str, what: str, count: int) -> None:
        environ = self._server.environ.get(eio_sid) or {}
        self.log_closed(str(environ.get("REMOTE_ADDR", "unknown address")), what, count)

    def log_closed(self, address: str, what: str, count: int) -> None:
        """One line per address per ``log_every`` seconds; the ones in between are counted."""
        now = time.monotonic()
        if len(self._logged) > 1000:  # many addresses: forget the ones a minute quiet
            self._logged = {a: seen for a, seen in self._logged.items()
                            if now - seen[0] < self._log_every}
        last, quietly = self._logged.get(address, (None, 0))
        if last is not None and now - last < self._log_every:
            self._logged[address] = (last, quietly + 1)
            return
        self._logged[address] = (now, 0)
        since = f"; {quietly} more closed since the last line" if quietly else ""
        log.warning("Live connection closed: %s sent %d thing(s) no page sends, the last "
                    "%s%s", address, count, what, since)


class EndBrokenWebSockets:
    """WSGI middleware: a sender whose last live connection was closed for what it sent waits
    before opening another — answered 429 at once, before Engine.IO or the app do any work —
    so a script that reconnects as fast as it is cut off costs the room next to nothing. And
    a WebSocket whose frames are not even Engine.IO ends Engine.IO's reading with an
    exception, which the server would log with its stack, once per such connection; here it
    ends with one line per address a minute instead."""

    def __init__(self, wsgi_app: WSGIApplication, offences: Offences) -> None:
        self._wsgi_app, self._offences = wsgi_app, offences

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if _opens_a_live_connection(environ):
            wait = self._offences.wait_before_connecting(environ)
            if wait:
                start_response("429 Too Many Requests", [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Retry-After", str(max(1, round(wait))))])
                return [b"This connection was closed for sending what no page sends. "
                        b"Please wait and reload the page.\n"]
        try:
            return self._wsgi_app(environ, start_response)
        except Exception as exc:
            if str(environ.get("HTTP_UPGRADE", "")).lower() != "websocket":
                raise
            self._offences.log_closed(str(environ.get("REMOTE_ADDR", "unknown address")),
                                      f"a frame that is not Engine.IO ({type(exc).__name__})", 1)
            self._offences.penalise(environ)
            return []


def _address(environ: WSGIEnvironment) -> str:
    return f"address {environ.get('REMOTE_ADDR', 'unknown')}"


def _opens_a_live_connection(environ: WSGIEnvironment) -> bool:
    """An Engine.IO handshake: a request to the live path that names no connection yet."""
    return (str(environ.get("PATH_INFO", "")).startswith("/socket.io")
            and "sid=" not in str(environ.get("QUERY_STRING", "")))


def _sender(app: Flask) -> Callable[[WSGIEnvironment], str]:
    """Who a live connection comes from, for the penalty: the browser's device id from its
    signed cookie (so a hospital's shared address is never penalised for one phone), else —
    a script without a cookie, since every page sets one before it connects — its address."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie_name = app.config["SESSION_COOKIE_NAME"]

    def sender_of(environ: WSGIEnvironment) -> str:
        cookie = SimpleCookie()
        try:
            cookie.load(str(environ.get("HTTP_COOKIE", "")))
            device = serializer.loads(cookie[cookie_name].value).get(DEVICE) \
                if serializer is not None and cookie_name in cookie else None
        except Exception:  # a forged or broken cookie is no cookie
            device = None
        return f"device {device}" if isinstance(device, str) else _address(environ)

    return sender_of


def offences() -> Offences:
    return current_app.extensions["appreciate_offences"]


def unknown_event() -> dict[str, Any]:
    """The acknowledgement for an event the server has no handler for (an offence)."""
    offences().offence_by(request.sid, "an event nobody handles")
    return {"ok": False, "error": gettext(UNKNOWN)}


def still_connected(socketio: SocketIO) -> bool:
    """True if the sender is connected, so "disconnect" arrived as an event a client sent
    (a real disconnection is marked as under way before its handler runs)."""
    return socketio.server.manager.is_connected(request.sid, request.namespace)


def refusal(exc: ServiceError) -> dict[str, Any]:
    """The acknowledgement for a refused event; one past a flood limit is an offence."""
    reply: dict[str, Any] = {"ok": False, "error": exc.message}
    if isinstance(exc, TooMany):
        reply["retry_after"] = exc.retry_after
        offences().offence_by(request.sid, "an event past the flood limit")
    return reply


def any_other_event(_event: Any, *_args: Any) -> dict[str, Any]:
    """Any event without a handler of its own, from a broken or hostile page: counted
    against the flood limit and refused in words; nothing is pushed."""
    try:
        actor = current_app.extensions["appreciate_connections"].of(request.sid)
        runtime_of(current_app).limits.check_event(request.sid, actor)
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


def register(app: Flask, socketio: SocketIO) -> None:
    """Attach the catch-all event, the error handler and the count of offences."""
    guard = app.extensions["appreciate_offences"] = Offences(socketio.server,
                                                             sender_of=_sender(app))
    app.wsgi_app = EndBrokenWebSockets(app.wsgi_app, guard)
    socketio.on_event("*", any_other_event)
    socketio.on_error_default(on_error)
