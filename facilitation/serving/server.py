"""pywsgi's server with a cap on the connections one address holds at once, and one log line
per address a minute for the clients it cut off.

Deadlines (handler.py) end each slow connection; the cap stops one device, or one person's
script, opening enough of them to use up the server's file descriptors, greenlets and memory.
It is generous, because a ward's phones may all come through one NAT address: a phone holds
one or two connections, so 500 is a few hundred phones.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from flask import Flask
from gevent import pywsgi

from .handler import GuardedHandler
from .limits import ServingLimits
from .reader import bounded, shut
from .slow_clients import SlowClients

TOO_MANY_TEXT = (
    b"Too many connections from your address at once: please close some pages and try again.\n"
    b"Gormod o gysylltiadau o'ch cyfeiriad ar unwaith: caewch rai tudalennau a rhowch gynnig "
    b"arall arni.\n")
_TOO_MANY_ANSWER = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 10\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
    % (len(TOO_MANY_TEXT), TOO_MANY_TEXT))


class GuardedServer(pywsgi.WSGIServer):
    """The server ``python app.py`` and the gunicorn worker (gunicorn_worker.py) run."""

    handler_class = GuardedHandler

    def __init__(self, listener: Any, application: Flask, *args: Any,
                 limits: ServingLimits | None = None, **kwargs: Any) -> None:
        super().__init__(listener, application, *args, **kwargs)
        self.limits = limits or ServingLimits.of(application)
        self.slow_clients = SlowClients(self.limits.per_address)

    def handle(self, sock: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if not self.slow_clients.admit(host):
            _refuse(sock)
            return
        try:
            super().handle(sock, address)
        finally:
            self.slow_clients.release(host)


def _refuse(sock: socket.socket) -> None:
    """Say why in a sentence (a fresh socket's buffer takes it at once), then close."""
    with contextlib.suppress(Exception):  # it is refused either way
        bounded(1.0, sock.sendall, _TOO_MANY_ANSWER)
    shut(sock)
    sock.close()
