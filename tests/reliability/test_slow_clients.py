"""Slow clients are cut off; slow phones are not. Raw sockets against a real server process.

Before the deadlines (facilitation/serving), pywsgi waited for ever: a client sending its
request a byte every few seconds, or nothing, or a long poll or WebSocket it never read, held
its greenlet and socket until the server stopped, and enough of them would use up the file
descriptors. Here each such connection must be closed by the server, a phone on slow Wi-Fi
must still get through, and a live phone answering engine.io's pings must stay connected.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
import websocket

from tests.conftest import ROOT, ServerProcess
from tests.phones import wait_until

from . import people

HEADER_TIMEOUT = 2.0
ENV = {"APPRECIATE_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "APPRECIATE_IDLE_TIMEOUT": "3",
       "APPRECIATE_PING_INTERVAL": "2", "APPRECIATE_PING_TIMEOUT": "3",
       "APPRECIATE_HEARTBEAT_EVERY": "1"}
# A slow client's body declares this much and never sends it: the server gives it
# HEADER_TIMEOUT + 50,000 / 5,000 bytes a second = 12 s, long enough to overlap the phone.
SLOW_BODY = 50_000
# Not a speed bound: how long to wait before deciding the server never closed a connection
# (the longest deadline here is 12 s; a shared two-core machine may be slow).
GIVE_UP_AFTER = 90.0
TRICKLE_EVERY = 0.5
PHONE_RATE = 50_000  # bytes a second: a 3G-like link on poor hospital Wi-Fi


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log",
                            env={**os.environ, **ENV}).start()
    yield process
    process.stop()


def server_sockets(server: ServerProcess) -> int:
    """How many sockets the server process holds open now (Linux)."""
    assert server.process is not None
    folder = Path(f"/proc/{server.process.pid}/fd")
    count = 0
    for fd in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed while we looked
            count += os.readlink(fd).startswith("socket:")
    return count


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


class Tricklers:
    """Raw connections that each send their request a byte every TRICKLE_EVERY seconds and
    never finish it (or send nothing at all), noting when the server closes each."""

    def __init__(self, port: int, openings: list[tuple[str, bytes, bytes]]) -> None:
        self.kinds: dict[socket.socket, str] = {}
        self.pending: dict[socket.socket, bytes] = {}
        self.closed: dict[socket.socket, float] = {}
        self.opened_at = time.monotonic()
        for kind, at_once, trickle in openings:
            sock = socket.create_connection(("127.0.0.1", port))
            if at_once:
                sock.sendall(at_once)
            self.kinds[sock], self.pending[sock] = kind, trickle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def open(self) -> list[socket.socket]:
        return [sock for sock in self.kinds if sock not in self.closed]

    def _run(self) -> None:
        while not self._stop.wait(TRICKLE_EVERY) and self.open():
            readable, _, _ = select.select(self.open(), [], [], 0)
            for sock in readable:
                self._read(sock)
            for sock in self.open():
                if self.pending[sock]:
                    try:
                        sock.send(self.pending[sock][:1])
                        self.pending[sock] = self.pending[sock][1:]
                    except OSError:
                        self._read(sock)

    def _read(self, sock: socket.socket) -> None:
        try:
            if sock.recv(65536) == b"":
                self.closed[sock] = time.monotonic()
        except OSError:  # reset: closed too
            self.closed[sock] = time.monotonic()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        for sock in self.kinds:
            sock.close()


def slow_openings(code: str) -> list[tuple[str, bytes, bytes]]:
    """200 ways of never finishing: headers a byte at a time, a body a byte at a time, and
    connections that say nothing."""
    endless_headers = b"".join(b"X-Slow-%d: yes\r\n" % n for n in range(2000))
    headers = (f"GET /j/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\n").encode() + endless_headers
    body = (f"POST /w/{code}/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            f"application/x-www-form-urlencoded\r\nContent-Length: {SLOW_BODY}\r\n\r\n").encode()
    return ([("headers", b"", headers)] * 100 + [("body", body, b"a" * SLOW_BODY)] * 60
            + [("silent", b"", b"")] * 40)


def test_two_hundred_slow_clients_do_not_stop_a_phone_and_each_is_closed(server) -> None:
    base = server.url
    facilitator, code = people.start_workshop(base)
    before = server_sockets(server)
    slow = Tricklers(server.port, slow_openings(code))
    try:
        # A phone joins and posts a card while the slow ones are held.
        phone = people.join(base, code)
        token = people.csrf(phone, f"{base}/w/{code}/")
        posted = phone.post(f"{base}/w/{code}/contribute", data={
            "activity": "arrival-hopes", "text": "Heard over the slowloris",
            "client_id": "slow-clients-0001", "csrf_token": token},
            allow_redirects=False, timeout=30)
        assert posted.status_code == 302, posted.text
        assert "Heard over the slowloris" in phone.get(f"{base}/w/{code}/", timeout=30).text
        print(f"{len(slow.open())} of 200 slow connections still held when the card was in")

        wait_until_all_closed(slow)
        phone.close()
        facilitator.close()
        # The server let go of every socket, not only closed its end of the conversation.
        deadline = time.monotonic() + GIVE_UP_AFTER
        while server_sockets(server) > before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server_sockets(server) <= before
    finally:
        slow.stop()
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    # One line per address a minute, however many it closed.
    lines = [line for line in log.splitlines() if "Slow or excessive client" in line]
    assert 1 <= len(lines) <= 2, lines


def wait_until_all_closed(slow: Tricklers) -> None:
    deadline = time.monotonic() + GIVE_UP_AFTER
    while slow.open() and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {slow.kinds[sock] for sock in slow.open()}
    assert not slow.open(), f"{len(slow.open())} slow connections never closed ({left})"


def send_slowly(sock: socket.socket, data: bytes, rate: int = PHONE_RATE) -> None:
    """Send at ``rate`` bytes a second, a tenth of a second's worth at a time."""
    step = rate // 10
    for start in range(0, len(data), step):
        sock.sendall(data[start:start + step])
        time.sleep(0.1)


def receive_slowly(sock: socket.socket, rate: int = PHONE_RATE) -> bytes:
    """Read until the server closes, at ``rate`` bytes a second."""
    received = b""
    sock.settimeout(30)
    while chunk := sock.recv(rate // 10):
        received += chunk
        time.sleep(0.1)
    return received


def slow_phone_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)  # so the server waits on it
    sock.connect(("127.0.0.1", port))
    return sock


def test_a_phone_on_slow_wifi_is_never_cut_off(server) -> None:
    """A long story posted and a font fetched at 50 kB/s: each takes twice the header
    deadline or more, and both get through whole."""
    base = server.url
    _facilitator, code = people.start_workshop(base)
    phone = people.join(base, code)
    token = people.csrf(phone, f"{base}/w/{code}/")
    form = urlencode({"activity": "arrival-hopes", "text": "Sent at the speed of the ward",
                      "client_id": "slow-wifi-0001", "csrf_token": token,
                      "draft": "a long story " * 17_000}).encode()
    request = (f"POST /w/{code}/contribute HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               f"Cookie: {cookie_header(phone)}\r\nContent-Type: "
               f"application/x-www-form-urlencoded\r\nContent-Length: {len(form)}\r\n"
               "Connection: close\r\n\r\n").encode() + form
    assert len(request) / PHONE_RATE > 2 * HEADER_TIMEOUT
    with slow_phone_socket(server.port) as sock:
        send_slowly(sock, request)
        answer = receive_slowly(sock)
    assert answer.startswith(b"HTTP/1.1 302"), answer[:300]
    assert "Sent at the speed of the ward" in phone.get(f"{base}/w/{code}/", timeout=30).text

    font = (ROOT / "static/fonts/NotoSans-Regular.ttf").read_bytes()
    assert len(font) / PHONE_RATE > 2 * HEADER_TIMEOUT
    with slow_phone_socket(server.port) as sock:
        sock.sendall(b"GET /static/fonts/NotoSans-Regular.ttf HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Connection: close\r\n\r\n")
        answer = receive_slowly(sock)
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.split(b"\r\n\r\n", 1)[1] == font
    assert "Slow or excessive client" not in server.log_path.read_text(errors="replace")


def drained(sock: socket.socket) -> bool:
    """Read what is waiting until the server closes (True), or give up (False)."""
    sock.settimeout(GIVE_UP_AFTER)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        return False
    return True


def test_connections_that_stop_reading_are_let_go_and_live_ones_are_not(server) -> None:
    base = server.url
    _facilitator, code = people.start_workshop(base)
    awake = people.live(base, code, people.join(base, code), time.monotonic() + 30)
    asleep = people.join(base, code)

    # A WebSocket that joined the room and then stopped reading (a small window, soon full).
    quiet_ws = websocket.WebSocket(sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 2048),))
    quiet_ws.connect(f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket",
                     cookie=cookie_header(asleep))
    quiet_ws.recv()
    quiet_ws.send("40" + json.dumps({"workshop": code}))
    assert quiet_ws.recv().startswith("40")

    # A long poll whose answer is never read.
    opened = asleep.get(f"{base}/socket.io/?EIO=4&transport=polling", timeout=30)
    sid = json.loads(opened.text[1:])["sid"]
    asleep.post(f"{base}/socket.io/?EIO=4&transport=polling&sid={sid}",
                data="40" + json.dumps({"workshop": code}), timeout=30)
    poll = slow_phone_socket(server.port)
    poll.sendall(f"GET /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\n"
                 f"Host: 127.0.0.1\r\nCookie: {cookie_header(asleep)}\r\n\r\n".encode())

    # A download never read.
    download = slow_phone_socket(server.port)
    download.sendall(b"GET /static/fonts/NotoSansSC-Regular.ttf HTTP/1.1\r\nHost: x\r\n\r\n")

    # Meanwhile the room goes on.
    for number in range(5):
        reply = awake.call("contribute", {"activity": "arrival-hopes",
                                          "text": f"Still here {number}",
                                          "client_id": f"awake-{number:04d}"}, timeout=30)
        assert reply["ok"], reply
        time.sleep(1)

    assert drained(quiet_ws.sock), "the WebSocket that stopped reading was never closed"
    assert drained(poll), "the long poll never read was never closed"
    assert drained(download), "the download never read was never closed"
    for sock in (poll, download):
        sock.close()
    quiet_ws.sock.close()

    # The phone that answers engine.io's pings stayed connected all along, past every
    # deadline above (engine.io's ping timeout governs a live connection, not them).
    assert awake.connected
    reply = awake.call("contribute", {"activity": "arrival-hopes", "text": "Still here at the end",
                                      "client_id": "awake-last"}, timeout=30)
    assert reply["ok"], reply
    awake.disconnect()
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture()
def capped_server(tmp_path: Path) -> Iterator[ServerProcess]:
    env = {**os.environ, "APPRECIATE_CONNECTIONS_PER_ADDRESS": "20",
           "APPRECIATE_HEADER_TIMEOUT": "60"}
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", env=env).start()
    yield process
    process.stop()


def answer_to(port: int, request: bytes) -> bytes:
    """What the server answers on a fresh connection, read until it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        return received


def test_one_address_holds_at_most_its_share_of_connections(capped_server) -> None:
    port = capped_server.port
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    try:
        wait_until(lambda: b"Too many connections from your address" in answer_to(
            port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                   "the 21st connection is refused with a sentence")
        refused = answer_to(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert refused.startswith(b"HTTP/1.1 503")
        for sock in held[:5]:
            sock.close()
        wait_until(lambda: answer_to(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: "
                                     b"close\r\n\r\n").startswith(b"HTTP/1.1 200"),
                   "a connection is let in once others close")
    finally:
        for sock in held:
            sock.close()
    oversized = answer_to(port, b"GET / HTTP/1.1\r\nHost: x\r\n"
                          + b"".join(b"X-Big-%d: %s\r\n" % (n, b"b" * 8000) for n in range(10))
                          + b"\r\n")
    assert oversized.startswith(b"HTTP/1.1 431"), oversized[:200]
    assert b"headers are too large" in oversized
    log = capped_server.log_path.read_text(errors="replace")
    assert "too many connections at once" in log
    assert "Traceback" not in log, log[-3000:]
