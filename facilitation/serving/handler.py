"""gevent-websocket's handler (pywsgi underneath), with a deadline on every wait.

- First request: its line and headers complete within ``header_seconds`` of connecting.
- Later requests on a kept-alive connection: the first byte within ``idle_seconds`` of the
  last answer, then the line and headers within ``header_seconds``.
- A body: ``header_seconds`` plus its length at the slowest rate; each write of an answer
  the same for its size; so a phone at 50 kB/s has ten times what it needs.
- A WebSocket: a frame each way at least every ping interval + ping timeout (+ a margin),
  which engine.io already asks of a live connection; past that engine.io has let it go,
  and here its socket is freed too.

A client that misses one is cut off: its socket is shut, and the server logs one line per
address a minute (``slow_clients.SlowClients``).
"""

from __future__ import annotations

import errno
import http.client
import socket
from typing import Any, Protocol

try:  # gevent-websocket's handler, as Flask-SocketIO chooses it (bench/serve.py can hide it)
    from geventwebsocket.handler import WebSocketHandler as BaseHandler
except ImportError:  # then simple-websocket reads the socket itself, without these deadlines
    from gevent.pywsgi import WSGIHandler as BaseHandler

from .limits import ServingLimits
from .reader import (
    ANSWER,
    BODY,
    FRAMES,
    HEADERS,
    IDLE,
    BoundedReader,
    ClientGone,
    HeadersTooLarge,
    Wait,
    bounded_send,
)
from .slow_clients import SlowClients


class ItsServer(Protocol):
    """What the handler needs of its server (server.GuardedServer)."""

    limits: ServingLimits
    slow_clients: SlowClients


_HEADERS_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8"
    b"\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s")
HEADERS_TOO_LARGE_TEXT = (
    b"This request's headers are too large: please clear this site's cookies and try again.\n"
    b"Mae penawdau'r cais hwn yn rhy fawr: cliriwch gwcis y wefan hon a rhowch gynnig arall "
    b"arni.\n")


class _Abandon(BaseException):
    """Ends a request whose client missed its headers' deadline (the socket is already
    shut). A BaseException so that it passes pywsgi's parsing, which logs any Exception as a
    400 with its traceback."""


class GuardedHandler(BaseHandler):
    """One connection: pywsgi's keep-alive loop and gevent-websocket's upgrade, every wait
    bounded (``reader.Wait``)."""

    server: ItsServer
    # A client cut off mid-request is a client gone, not an error of ours.
    ignored_socket_errors = (*BaseHandler.ignored_socket_errors, errno.ETIMEDOUT,
                             errno.EMSGSIZE)

    def __init__(self, sock: socket.socket, address: Any, server: ItsServer) -> None:
        super().__init__(sock, address, server)
        self.limits = server.limits
        host = address[0] if isinstance(address, tuple) else str(address)
        self.wait = Wait(IDLE, None)
        self.wait.begin(IDLE, self.limits.header_seconds)  # the first request, from now
        self._note_expired = server.slow_clients.noter(host)
        self._served = False
        self.rfile = BoundedReader(self.rfile, sock, self.wait, self.limits, self._note_expired)

    def handle(self) -> None:
        rfile = self.rfile
        try:
            super().handle()
        finally:
            # pywsgi closes the socket but not its file, which keeps the descriptor open
            # until the file is collected.
            rfile.close()

    def handle_one_request(self) -> Any:
        try:
            return super().handle_one_request()
        except _Abandon:
            return None
        except HeadersTooLarge:
            self._note_expired("headers too large")
            return ("431", _HEADERS_TOO_LARGE % (len(HEADERS_TOO_LARGE_TEXT),
                                                 HEADERS_TOO_LARGE_TEXT))

    def read_requestline(self) -> str:
        """Waiting for a request's first byte is idleness; from that byte on, the headers'
        deadline runs. (pywsgi treats a socket error here as the client leaving: no log.)"""
        if self._served:
            self.wait.begin(IDLE, self.limits.idle_seconds)
        if not self.rfile.peek(1):
            return ""
        if self._served:
            self.wait.begin(HEADERS, self.limits.header_seconds)
        else:
            self.wait.phase = HEADERS  # the first request's deadline runs from connecting
        self._served = True
        return super().read_requestline()

    def read_request(self, raw_requestline: str) -> bool:
        try:
            parsed = super().read_request(raw_requestline)
        except ClientGone:
            raise _Abandon from None
        except http.client.HTTPException:  # a header line over 64 kB, or over 100 of them
            raise HeadersTooLarge from None
        self.wait.begin(BODY, self.limits.body_seconds(self.content_length))
        return parsed

    def _sendall(self, data: bytes) -> None:
        bounded_send(self.limits.send_seconds(len(data)), super()._sendall, data, self.socket,
                     ANSWER, self._note_expired)

    def upgrade_connection(self) -> Any:
        """gevent-websocket's upgrade; from here on reads wait for frames, and writes go
        out within the same bound (a WebSocket that stops reading would hold its writer)."""
        result = super().upgrade_connection()
        websocket = getattr(self, "websocket", None)
        if websocket is not None:
            self.wait.begin(FRAMES, None)
            sock, limits, note = self.socket, self.limits, self._note_expired

            def send_frame(data: bytes) -> None:
                bounded_send(limits.live_seconds(len(data)), sock.sendall, data, sock,
                             FRAMES, note)

            websocket.raw_write = send_frame
        return result
