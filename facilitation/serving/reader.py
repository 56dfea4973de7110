"""A connection's input with an end to every wait.

pywsgi reads with no deadline at all: a client that sends a byte now and then, or nothing,
holds its greenlet and socket for ever. Here every blocking read is bounded by the deadline
of what the connection is doing now (``Wait``): waiting for the next request, reading its
line and headers, its body, or WebSocket frames. A read past its deadline shuts the socket
(so the client sees the close at once, and any other greenlet blocked on it wakes) and
raises ``ClientGone``, an OSError each layer above already treats as a client that left.
"""

from __future__ import annotations

import contextlib
import errno
import io
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from gevent import Timeout

from .limits import ServingLimits

T = TypeVar("T")

# What a connection is doing; a deadline missed in IDLE (no byte of a request yet) is an
# ordinary end of a quiet connection, in the others a slow client worth a line in the log.
IDLE, HEADERS, BODY, FRAMES, ANSWER = "idle", "headers", "body", "frames", "answer"


class ClientGone(OSError):
    """The client missed a deadline or sent too much in one go; its socket is shut."""

    def __init__(self, phase: str, code: int = errno.ETIMEDOUT) -> None:
        super().__init__(code, f"client too slow or too large while in {phase}")
        self.phase = phase


class HeadersTooLarge(BaseException):
    """A request line and headers together over the limit (answered 431, then closed). A
    BaseException so that it passes pywsgi's parsing, which logs any Exception as a 400
    with its traceback, once per connection."""


class _Expired(Exception):
    pass


@dataclass
class Wait:
    """What a connection waits for now and until when (``time.monotonic``); None: no end
    (the app is working on the request, or a WebSocket's reads set their own)."""

    phase: str
    due: float | None
    header_bytes: int = 0

    def begin(self, phase: str, seconds: float | None) -> None:
        self.phase = phase
        self.due = None if seconds is None else time.monotonic() + seconds
        if phase in (IDLE, HEADERS):
            self.header_bytes = 0


def bounded(seconds: float | None, call: Callable[..., T], *args: object) -> T:
    """``call(*args)``, raising _Expired if it still waits after ``seconds``."""
    if seconds is None:
        return call(*args)
    timer = Timeout(max(seconds, 0.0))
    timer.start()
    try:
        return call(*args)
    except Timeout as exc:
        if exc is not timer:
            raise
        raise _Expired from None
    finally:
        timer.close()


def shut(sock: socket.socket) -> None:
    """End the connection both ways now: the client sees it closed, and a greenlet blocked
    on it (a WebSocket's reader while its writer gave up) wakes with an error."""
    with contextlib.suppress(OSError):  # already gone
        sock.shutdown(socket.SHUT_RDWR)


class BoundedReader:
    """The handler's ``rfile``: the socket's buffered reader, each read bounded by ``wait``.
    It holds no reference to the handler, so nothing keeps a closed connection's file open
    until the garbage collector runs."""

    def __init__(self, raw: io.BufferedReader, sock: socket.socket, wait: Wait,
                 limits: ServingLimits, on_expired: Callable[[str], None]) -> None:
        self._raw, self._sock, self._wait = raw, sock, wait
        self._limits, self._on_expired = limits, on_expired

    @property
    def closed(self) -> bool:
        return self._raw.closed

    def close(self) -> None:
        self._raw.close()

    @property
    def raw(self) -> io.RawIOBase:
        """Where simple-websocket finds the socket, when it serves WebSockets instead."""
        return self._raw.raw

    def peek(self, size: int = 1) -> bytes:
        return self._within(size, self._raw.peek, size)

    def read(self, size: int | None = -1) -> bytes:
        return self._within(size, self._raw.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        line = self._within(size, self._raw.readline, size)
        if self._wait.phase in (IDLE, HEADERS):
            self._wait.header_bytes += len(line)
            if self._wait.header_bytes > self._limits.largest_headers:
                raise HeadersTooLarge
        return line

    def _within(self, size: int | None, call: Callable[..., bytes], *args: object) -> bytes:
        wait = self._wait
        if wait.phase == FRAMES:
            wanted = size if size is not None and size > 0 else self._limits.largest_frame
            if wanted > self._limits.largest_frame:
                shut(self._sock)
                self._on_expired("frame too large")
                raise ClientGone(FRAMES, errno.EMSGSIZE)
            seconds: float | None = self._limits.live_seconds(wanted)
        else:
            seconds = None if wait.due is None else wait.due - time.monotonic()
        try:
            return bounded(seconds, call, *args)
        except _Expired:
            shut(self._sock)
            self._on_expired(wait.phase)
            raise ClientGone(wait.phase) from None


def bounded_send(seconds: float, sendall: Callable[[bytes], None], data: bytes,
                 sock: socket.socket, phase: str, on_expired: Callable[[str], None]) -> None:
    """``sendall(data)`` within ``seconds``: a client that stops reading fills its window
    and would hold the writer for ever."""
    try:
        bounded(seconds, sendall, data)
    except _Expired:
        shut(sock)
        on_expired(phase)
        raise ClientGone(phase) from None
