"""A lean participant for load tests: HTTP join and a raw Engine.IO/WebSocket connection.

A python-socketio ``AsyncClient`` per simulated phone costs about twice the server's CPU per
delivery, so a generator built from it measures itself. This speaks the same wire protocol
(Engine.IO 4 over WebSocket, Socket.IO 5 packets) with as little work as possible: it answers
pings, sends events with acknowledgement ids and hands each pushed frame's bytes to a callback
unparsed. Loopback only: it connects to 127.0.0.1 and nothing else.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import struct
from collections.abc import Callable
from urllib.parse import urlencode

HOST = "127.0.0.1"
CSRF = re.compile(rb'name="csrf_token" value="([^"]+)"')
COOKIE = re.compile(rb"(?im)^set-cookie:\s*([^=;\s]+)=([^;\r\n]*)")


class HttpError(RuntimeError):
    pass


async def http(port: int, method: str, path: str, cookies: dict[str, str],
               form: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """One HTTP/1.1 request on its own connection; updates ``cookies`` from Set-Cookie."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if form is not None:
            head += ["Content-Type: application/x-www-form-urlencoded",
                     f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await reader.read()  # Connection: close, so the body ends with the stream
    finally:
        writer.close()
    headers, _, content = raw.partition(b"\r\n\r\n")
    status = int(headers.split(b" ", 2)[1])
    for name, value in COOKIE.findall(headers):
        cookies[name.decode()] = value.decode()
    return status, headers, content


async def join_workshop(port: int, code: str) -> dict[str, str]:
    """Join as an anonymous participant through the real pages; returns the cookie jar."""
    cookies: dict[str, str] = {}
    status, _, page = await http(port, "GET", f"/w/{code}/join", cookies)
    match = CSRF.search(page)
    if status != 200 or not match:
        raise HttpError(f"join page answered {status}")
    status, _, _ = await http(port, "POST", f"/w/{code}/join", cookies,
                              {"csrf_token": match.group(1).decode(), "display_name": ""})
    if status != 302:
        raise HttpError(f"join answered {status}")
    return cookies


OnFrame = Callable[[bytes], None]


class Participant:
    """One phone's live connection; ``on_push`` gets the raw bytes of every pushed event."""

    def __init__(self, port: int, code: str, cookies: dict[str, str], on_push: OnFrame) -> None:
        self.port = port
        self.code = code
        self.cookies = cookies
        self.on_push = on_push
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.connected = asyncio.Event()
        self.refused: str | None = None
        self.closed = False
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task | None = None

    async def connect(self, timeout: float = 30.0) -> None:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        self._writer = writer
        key = base64.b64encode(os.urandom(16)).decode()
        head = [
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", f"Host: {HOST}:{self.port}",
            "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        response = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        if b" 101 " not in response.split(b"\r\n", 1)[0]:
            raise HttpError("WebSocket upgrade refused: " + response[:80].decode(errors="replace"))
        self._task = asyncio.create_task(self._read(reader))
        await asyncio.wait_for(self.connected.wait(), timeout)
        if self.refused:
            raise HttpError("Socket.IO connection refused: " + self.refused)

    def _send_text(self, text: str) -> None:
        if self._writer is None or self.closed:
            return
        payload = text.encode()
        size = len(payload)
        # Clients must mask; an all-zero key keeps the payload as it is (servers do not care).
        if size < 126:
            header = struct.pack("!BB", 0x81, 0x80 | size)
        elif size < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
        self._writer.write(header + b"\0\0\0\0" + payload)

    def emit(self, event: str, data: object) -> asyncio.Future:
        """Send an event with an acknowledgement id; the future gets the ack's raw bytes."""
        self.next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_ack] = future
        self._send_text(f"42{self.next_ack}" + json.dumps([event, data], separators=(",", ":")))
        return future

    async def _read(self, reader: asyncio.StreamReader) -> None:
        message = b""
        try:
            while True:
                first, second = await reader.readexactly(2)
                size = second & 0x7F
                if size == 126:
                    (size,) = struct.unpack("!H", await reader.readexactly(2))
                elif size == 127:
                    (size,) = struct.unpack("!Q", await reader.readexactly(8))
                payload = await reader.readexactly(size) if size else b""
                opcode = first & 0x0F
                if opcode == 0x8:
                    break
                if opcode == 0x9:
                    self._pong(payload)
                    continue
                if opcode in (0x1, 0x2, 0x0):
                    message += payload
                    if first & 0x80:
                        self._packet(message)
                        message = b""
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.closed = True
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(ConnectionError("closed"))

    def _pong(self, payload: bytes) -> None:
        if self._writer is not None:
            self._writer.write(struct.pack("!BB", 0x8A, 0x80 | len(payload)) + b"\0\0\0\0"
                               + payload)

    def _packet(self, packet: bytes) -> None:
        kind = packet[:1]
        if kind == b"4":
            body = packet[1:]
            if body.startswith(b"2"):
                self.on_push(body)
            elif body.startswith(b"3"):
                end = body.index(b"[")
                future = self.acks.pop(int(body[1:end]), None)
                if future is not None and not future.done():
                    future.set_result(body[end:])
            elif body.startswith(b"0"):
                self.connected.set()
            elif body.startswith(b"4"):
                self.refused = body.decode(errors="replace")
                self.connected.set()
        elif kind == b"2":
            self._send_text("3")  # Engine.IO ping from the server: answer at once
        elif kind == b"0":
            self._send_text("40" + json.dumps({"workshop": self.code}))

    async def close(self) -> None:
        if self._writer is not None and not self.closed:
            self.closed = True
            try:
                self._writer.write(b"\x88\x80\0\0\0\0")
                self._writer.close()
            except (ConnectionError, RuntimeError):
                pass
        if self._task is not None:
            self._task.cancel()
