"""Slow clients: what holding them costs the server, what a phone notices, and when each is
cut off.

    python bench/slow_clients.py --slow 0 200 450 --trials 10

One server (``python app.py`` on a fresh data folder, 127.0.0.1, default settings: 15 s for
headers, 500 connections per address). For each count in ``--slow`` (0 first, the baseline
in the same run) it opens that many slow connections from this machine: a third send a
request's headers a byte every half second and never finish, a third send headers and then
a small body (1,000 bytes declared) a byte every half second, a third send nothing. While
they are held, a phone ``--trials`` times loads the join page, joins and posts a card over
HTTP (a new phone each time). Reported per count: the phone's time for the three requests
(median, p95, worst), the server's open sockets and memory while the slow connections are
held, how long after opening the server closed each kind (median and worst, against its
deadline), any never closed within 60 s, and the server's sockets once all are gone.
Loopback only, about 25 s a count.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import free_port, percentile, stop_server

ROOT = Path(__file__).resolve().parent.parent
PLAN = "at-our-best-with-each-other"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TRICKLE_EVERY = 0.5
GIVE_UP_AFTER = 60.0


def server_sockets(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed while we looked
            count += os.readlink(fd).startswith("socket:")
    return count


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Slow:
    """``count`` connections that never finish their requests; notes when each is closed."""

    def __init__(self, port: int, code: str, count: int) -> None:
        headers = (f"GET /j/{code} HTTP/1.1\r\nHost: 127.0.0.1\r\n").encode() + b"".join(
            b"X-Slow-%d: yes\r\n" % n for n in range(5000))
        body = (f"POST /w/{code}/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                "application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n").encode()
        kinds = [("headers", b"", headers), ("body", body, b"a" * 1000), ("silent", b"", b"")]
        self.started = time.monotonic()
        self.kind: dict[socket.socket, str] = {}
        self.pending: dict[socket.socket, bytes] = {}
        self.closed_after: dict[socket.socket, float] = {}
        for n in range(count):
            kind, at_once, trickle = kinds[n % 3]
            sock = socket.create_connection(("127.0.0.1", port))
            if at_once:
                sock.sendall(at_once)
            self.kind[sock], self.pending[sock] = kind, trickle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def open(self) -> list[socket.socket]:
        return [sock for sock in self.kind if sock not in self.closed_after]

    def _closed(self, sock: socket.socket) -> None:
        self.closed_after[sock] = time.monotonic() - self.started

    def _run(self) -> None:
        while not self._stop.wait(TRICKLE_EVERY) and self.open():
            readable, _, _ = select.select(self.open(), [], [], 0)
            for sock in readable:
                try:
                    if sock.recv(65536) == b"":
                        self._closed(sock)
                except OSError:
                    self._closed(sock)
            for sock in self.open():
                if self.pending[sock]:
                    try:
                        sock.send(self.pending[sock][:1])
                        self.pending[sock] = self.pending[sock][1:]
                    except OSError:
                        self._closed(sock)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        for sock in self.kind:
            sock.close()


def phone_round(base: str, code: str, number: int) -> float:
    """Seconds for a new phone to load the join page, join and post a card over HTTP."""
    started = time.monotonic()
    with requests.Session() as phone:
        page = phone.get(f"{base}/w/{code}/join", timeout=60)
        joined = phone.post(f"{base}/w/{code}/join", data={
            "display_name": "", "csrf_token": CSRF.search(page.text).group(1)},
            allow_redirects=False, timeout=60)
        room = phone.get(f"{base}/w/{code}/", timeout=60)
        posted = phone.post(f"{base}/w/{code}/contribute", data={
            "activity": "arrival-hopes", "text": f"Card {number} past the slow ones",
            "client_id": f"bench-slow-{number:05d}",
            "csrf_token": CSRF.search(room.text).group(1)}, allow_redirects=False, timeout=60)
    assert joined.status_code == 302 and posted.status_code == 302, (joined, posted)
    return time.monotonic() - started  # the room page (its form) is part of posting a card


def open_room(base: str, code: str, private_path: str) -> None:
    """The facilitator signs in with the private link and moves the room to Define."""
    with requests.Session() as facilitator:
        facilitator.get(base + private_path, timeout=60)
        control = facilitator.get(f"{base}/w/{code}/facilitate", timeout=60)
        moved = facilitator.post(f"{base}/w/{code}/move", data={
            "direction": "forward", "csrf_token": CSRF.search(control.text).group(1)},
            allow_redirects=False, timeout=60)
        assert moved.status_code == 302, moved.text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, nargs="+", default=[0, 200, 450])
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-slow-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = workdir / "data"
    created = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "new", "--plan", PLAN, "--title", "Slow clients",
         "--data-dir", str(data), "--public-url", base],
        capture_output=True, text=True, check=True, timeout=60)
    code = re.search(r"Join code:\s+(\S+)", created.stdout).group(1)
    link = re.search(r"Facilitator link:\s+(\S+)", created.stdout).group(1)
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    rows = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(base + "/", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        open_room(base, code, link.split(str(port), 1)[1])
        number = 0
        for count in args.slow:
            before = server_sockets(server.pid)
            slow = Slow(port, code, count)
            time.sleep(1.0)  # let the server accept them all
            held_sockets, held_mb = server_sockets(server.pid), rss_mb(server.pid)
            times = []
            for _ in range(args.trials):
                number += 1
                times.append(phone_round(base, code, number))
            still_held = len(slow.open())
            until = time.monotonic() + GIVE_UP_AFTER
            while slow.open() and time.monotonic() < until:
                time.sleep(0.2)
            slow.stop()
            time.sleep(1.0)
            times.sort()
            closed = {kind: sorted(after for sock, after in slow.closed_after.items()
                                   if slow.kind[sock] == kind)
                      for kind in ("headers", "body", "silent")}
            rows.append({
                "slow": count, "phone_ms_p50": round(statistics.median(times) * 1000),
                "phone_ms_p95": round(percentile(times, 0.95) * 1000),
                "phone_ms_max": round(times[-1] * 1000),
                "slow_still_held_after_phones": still_held,
                "server_sockets_before": before, "server_sockets_held": held_sockets,
                "server_mb_held": round(held_mb, 1),
                **{f"closed_{kind}_s_p50_max": (round(statistics.median(v), 1), round(v[-1], 1))
                   for kind, v in closed.items() if v},
                "never_closed": count - len(slow.closed_after),
                "server_sockets_after": server_sockets(server.pid)})
            print(json.dumps(rows[-1]), flush=True)
    finally:
        stop_server(server)
    log = (workdir / "server.log").read_text(errors="replace")
    print(f"log lines about slow clients: {log.count('Slow or excessive client')}, "
          f"tracebacks: {log.count('Traceback')}")


if __name__ == "__main__":
    main()
