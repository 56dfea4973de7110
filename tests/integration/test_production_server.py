"""The production command the README documents: gunicorn with Appreciate's worker (gevent-websocket's,
with the deadlines for slow clients) and ``facilitation.startup:served_app()`` with no
arguments, configured by environment variables."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, wait_for_port
from tests.phones import join, start_workshop, wait_until

WORKER = "facilitation.serving.gunicorn_worker.GuardedWorker"
HEADER_TIMEOUT = 2.0


@pytest.fixture()
def gunicorn(tmp_path: Path):
    port = free_port()
    env = {**os.environ, "APPRECIATE_DATA_DIR": str(tmp_path / "data"),
           "APPRECIATE_HEADER_TIMEOUT": str(HEADER_TIMEOUT)}
    with (tmp_path / "gunicorn.log").open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", WORKER, "-w", "1",
             "-b", f"127.0.0.1:{port}", "facilitation.startup:served_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, timeout=60)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown; TERM waits for sockets
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_gunicorn_serves_a_live_room_over_websocket(gunicorn: str) -> None:
    facilitator = start_workshop(gunicorn)
    phone = join(gunicorn, facilitator.code)
    phone.connect(gunicorn)
    try:
        assert phone.sio.transport() == "websocket"
        moved = facilitator.post(gunicorn, f"/w/{facilitator.code}/move",
                                 {"direction": "forward"},
                                 page=f"/w/{facilitator.code}/facilitate")
        assert moved.status_code == 302
        wait_until(lambda: phone.has_seen('data-phase="define"'), "the phone follows to Define")
        reply = phone.contribute("arrival-hopes", "Served by gunicorn", "gunicorn-0001")
        assert reply["ok"] is True
        wait_until(lambda: phone.has_seen("Served by gunicorn"), "the card is pushed back")
    finally:
        phone.close()


def test_gunicorn_closes_a_client_that_never_finishes_its_headers(gunicorn: str) -> None:
    port = int(gunicorn.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as slow:
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never: ending")
        slow.settimeout(60)  # not a speed bound: the deadline is 2 s
        try:
            closed = slow.recv(1024) == b""
        except ConnectionResetError:
            closed = True
        assert closed
