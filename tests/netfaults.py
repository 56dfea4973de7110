"""Network faults between a phone and a real server, on loopback: a line that goes silent
(a phone walking out of Wi-Fi range), a line cut half-way through a push, and a phone
whose whole process is frozen (a locked screen)."""

from __future__ import annotations

import os
import select
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class FaultyLine(socketserver.ThreadingTCPServer):
    """A loopback proxy in front of the server. Every connection through it is relayed
    until ``go_silent`` (nothing more passes either way, and nothing is closed: the phone
    walked out of range) or ``cut_mid_push`` (the next push from the server is cut in half
    and both ends are reset)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.silent = threading.Event()
        self.cut_armed = threading.Event()
        self.cuts = 0
        self.relays: list[_Relay] = []
        super().__init__(("127.0.0.1", 0), _Relay)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def go_silent(self) -> None:
        self.silent.set()

    def cut_mid_push(self) -> None:
        self.cut_armed.set()

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        for relay in list(self.relays):
            relay.reset()


class _Relay(socketserver.BaseRequestHandler):
    server: FaultyLine

    def handle(self) -> None:
        self.server.relays.append(self)
        self.upstream = socket.create_connection(("127.0.0.1", self.server.upstream_port))
        try:
            self._relay()
        except OSError:
            pass
        finally:
            if self.server.silent.is_set():
                # Out of range: neither end hears a thing until it gives up by itself.
                self.server.silent.wait()
                threading.Event().wait(3600)
            self.reset()

    def _relay(self) -> None:
        sockets = [self.request, self.upstream]
        while not self.server.silent.is_set():
            readable, _, _ = select.select(sockets, [], [], 0.1)
            for source in readable:
                if self.server.silent.is_set():
                    return
                data = source.recv(65536)
                if not data:
                    return
                to_phone = source is self.upstream
                if to_phone and self.server.cut_armed.is_set() and len(data) >= 64:
                    self.server.cut_armed.clear()
                    self.server.cuts += 1
                    self.request.sendall(data[:len(data) // 2])
                    return
                (self.request if to_phone else self.upstream).sendall(data)

    def reset(self) -> None:
        """Close both ends at once with a reset, as a dropped line looks to each of them."""
        for sock in (self.request, getattr(self, "upstream", None)):
            if sock is None:
                continue
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()
            except OSError:
                pass


class FrozenPhone:
    """A phone in its own process (tests/sleepy_phone.py), joined and connected, that can be
    frozen with SIGSTOP: its sockets stay open and answer nothing, as a locked screen's."""

    def __init__(self, base: str, code: str, transport: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sleepy_phone", base, code, transport],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline().strip() if self.process.stdout else ""
        if line != "connected":
            self.process.kill()
            raise RuntimeError(f"the phone did not connect ({line!r})")

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def wake(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout:
            self.process.stdout.close()
