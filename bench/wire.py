"""A lean participant for load tests: HTTP join and a raw Engine.IO connection, over
WebSocket (``Participant``) or HTTP long-polling (``PollingParticipant``).

A python-socketio ``AsyncClient`` per simulated phone costs about twice the server's CPU per
delivery, so a generator built from it measures itself. This speaks the same wire protocol
(Engine.IO 4, Socket.IO 5 packets) with as little work as possible: it answers pings, sends
events with acknowledgement ids and hands each pushed frame's bytes to a callback unparsed.
Either kind can ``sleep`` (read nothing, answer nothing, as a locked phone) and ``wake``.
Loopback only: it connects to 127.0.0.1 and nothing else.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import struct
from collections.abc import Callable, Coroutine
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


class Participant(asyncio.Protocol):
    """One phone's live connection; ``on_push`` gets the raw bytes of every pushed event.

    A protocol rather than a stream reader: bytes are parsed in the callback that receives
    them, with no coroutine switch per frame, which keeps the generator's CPU low.
    """

    def __init__(self, port: int, code: str, cookies: dict[str, str], on_push: OnFrame) -> None:
        self.port = port
        self.code = code
        self.cookies = cookies
        self.on_push = on_push
        self.table: str | None = None  # set by the benchmark in a seated room
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.connected = asyncio.Event()
        self.refused: str | None = None
        self.closed = False
        self.asleep = False
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._upgraded = False
        self._message = b""

    async def connect(self, timeout: float = 30.0) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.wait_for(loop.create_connection(lambda: self, HOST, self.port), timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        head = [
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", f"Host: {HOST}:{self.port}",
            "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        self._transport.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await asyncio.wait_for(self.connected.wait(), timeout)
        if self.refused:
            raise HttpError("connection refused: " + self.refused)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def sleep(self) -> None:
        """Read nothing and answer nothing; the socket stays open (a locked screen)."""
        self.asleep = True
        if self._transport is not None and not self.closed:
            self._transport.pause_reading()

    def wake(self) -> None:
        """Read again: whatever waited arrives, or the close the server sent meanwhile."""
        self.asleep = False
        if self._transport is not None and not self.closed:
            self._transport.resume_reading()

    def abandon(self) -> None:
        """Drop the connection without a word (it was left behind out of range)."""
        self.closed = True
        if self._transport is not None:
            self._transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.connected.is_set():
            self.refused = "closed before connecting"
            self.connected.set()
        for future in self.acks.values():
            if not future.done():
                future.set_exception(ConnectionError("closed"))

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        if not self._upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            if b" 101 " not in bytes(buffer[:buffer.find(b"\r\n")]):
                self.refused = bytes(buffer[:80]).decode(errors="replace")
                self.connected.set()
                self._transport.close()
                return
            del buffer[:end + 4]
            self._upgraded = True
        offset, size_all = 0, len(buffer)
        while size_all - offset >= 2:
            first, second = buffer[offset], buffer[offset + 1]
            size, start = second & 0x7F, offset + 2
            if size == 126:
                if size_all - offset < 4:
                    break
                size, start = struct.unpack_from("!H", buffer, offset + 2)[0], offset + 4
            elif size == 127:
                if size_all - offset < 10:
                    break
                size, start = struct.unpack_from("!Q", buffer, offset + 2)[0], offset + 10
            if size_all - start < size:
                break
            payload = bytes(buffer[start:start + size])
            offset = start + size
            self._frame(first, payload)
        if offset:
            del buffer[:offset]

    def _frame(self, first: int, payload: bytes) -> None:
        opcode = first & 0x0F
        if opcode == 0x9:
            self._write_frame(0x8A, payload)  # WebSocket ping: pong
        elif opcode in (0x0, 0x1, 0x2):
            self._message += payload
            if first & 0x80:
                message, self._message = self._message, b""
                self._packet(message)
        elif opcode == 0x8 and self._transport is not None:
            self._transport.close()

    def _write_frame(self, opcode_byte: int, payload: bytes) -> None:
        if self._transport is None or self.closed:
            return
        size = len(payload)
        # Clients must mask; an all-zero key keeps the payload as it is (servers do not care).
        if size < 126:
            header = struct.pack("!BB", opcode_byte, 0x80 | size)
        elif size < 65536:
            header = struct.pack("!BBH", opcode_byte, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", opcode_byte, 0x80 | 127, size)
        self._transport.write(header + b"\0\0\0\0" + payload)

    def _send_text(self, text: str) -> None:
        self._write_frame(0x81, text.encode())

    def emit(self, event: str, data: object) -> asyncio.Future:
        """Send an event with an acknowledgement id; the future gets the ack's raw bytes."""
        self.next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_ack] = future
        self._send_text(f"42{self.next_ack}" + json.dumps([event, data], separators=(",", ":")))
        return future

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
        if self._transport is not None and not self.closed:
            self._write_frame(0x88, b"")
            self.closed = True
            self._transport.close()


class PollingParticipant:
    """One phone's live connection over HTTP long-polling, as a browser behind a proxy that
    blocks WebSockets keeps it: one request waiting for pushes at all times, one request per
    packet it sends. Same interface as ``Participant``."""

    def __init__(self, port: int, code: str, cookies: dict[str, str], on_push: OnFrame) -> None:
        self.port = port
        self.code = code
        self.cookies = cookies
        self.on_push = on_push
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.refused: str | None = None
        self.closed = False
        self.asleep = False
        self._awake = asyncio.Event()
        self._awake.set()
        self._sid = ""
        self._poller: asyncio.Task | None = None
        self._sending: set[asyncio.Task] = set()  # asyncio keeps only weak references

    def _in_background(self, request: Coroutine[object, object, None]) -> None:
        task = asyncio.create_task(self._quietly(request))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    def _path(self) -> str:
        query = f"EIO=4&transport=polling&t={os.urandom(4).hex()}"
        return f"/socket.io/?{query}" + (f"&sid={self._sid}" if self._sid else "")

    async def connect(self, timeout: float = 30.0) -> None:
        status, _, body = await asyncio.wait_for(
            http(self.port, "GET", self._path(), dict(self.cookies)), timeout)
        if status != 200 or not body.startswith(b"0"):
            raise HttpError(f"handshake answered {status}")
        self._sid = json.loads(body[1:])["sid"]
        await self._post("40" + json.dumps({"workshop": self.code}))
        connected = asyncio.get_running_loop().create_future()
        self._poller = asyncio.create_task(self._poll(connected))
        await asyncio.wait_for(connected, timeout)
        if self.refused:
            raise HttpError("connection refused: " + self.refused)

    async def _post(self, *packets: str) -> None:
        await http_body(self.port, "POST", self._path(), self.cookies,
                        "\x1e".join(packets).encode(), "text/plain;charset=UTF-8")

    async def _poll(self, connected: asyncio.Future) -> None:
        try:
            while not self.closed:
                await self._awake.wait()
                status, _, body = await http(self.port, "GET", self._path(), dict(self.cookies))
                await self._awake.wait()  # a phone asleep reads nothing until it wakes
                if status != 200:
                    break  # the server let this session go
                for packet in body.split(b"\x1e"):
                    if packet.startswith(b"40"):
                        if not connected.done():
                            connected.set_result(None)
                    elif packet.startswith(b"44"):
                        self.refused = packet.decode(errors="replace")
                        if not connected.done():
                            connected.set_result(None)
                    elif packet.startswith(b"42"):
                        self.on_push(packet[1:])
                    elif packet.startswith(b"43"):
                        end = packet.index(b"[")
                        future = self.acks.pop(int(packet[2:end]), None)
                        if future is not None and not future.done():
                            future.set_result(packet[end:])
                    elif packet == b"2":
                        self._in_background(self._post("3"))
                    elif packet == b"1":
                        self.closed = True
        except (OSError, HttpError, ValueError):
            pass
        finally:
            self.closed = True
            if not connected.done():
                self.refused = self.refused or "closed before connecting"
                connected.set_result(None)
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(ConnectionError("closed"))

    @staticmethod
    async def _quietly(request: Coroutine[object, object, None]) -> None:
        with contextlib.suppress(OSError, HttpError, ValueError):
            await request

    def emit(self, event: str, data: object) -> asyncio.Future:
        """Send an event with an acknowledgement id; the future gets the ack's raw bytes."""
        self.next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[self.next_ack] = future
        packet = f"42{self.next_ack}" + json.dumps([event, data], separators=(",", ":"))
        self._in_background(self._post(packet))
        return future

    def sleep(self) -> None:
        self.asleep = True
        self._awake.clear()

    def wake(self) -> None:
        self.asleep = False
        self._awake.set()

    def abandon(self) -> None:
        self.closed = True
        self._awake.set()
        if self._poller is not None:
            self._poller.cancel()

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            await self._quietly(self._post("1"))
        if self._poller is not None:
            self._poller.cancel()


async def http_body(port: int, method: str, path: str, cookies: dict[str, str], body: bytes,
                    content_type: str) -> tuple[int, bytes, bytes]:
    """One HTTP/1.1 request with a raw body on its own connection."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close",
                f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await reader.read()
    finally:
        writer.close()
    headers, _, content = raw.partition(b"\r\n\r\n")
    if not headers:
        raise HttpError("no answer")
    return int(headers.split(b" ", 2)[1]), headers, content
