"""Load benchmark: N phones in one workshop, a share of them contributing at a set rate.

    python bench/load.py --participants 2000 --rate 20 --duration 20

For each run it starts the bare Flask-SocketIO baseline and then Appreciate (``python app.py``
on a fresh data folder), each as its own process on 127.0.0.1. Participants join Appreciate
through the real pages (join form, CSRF token, session cookie), open the real Socket.IO
connection and send the real ``contribute`` event; every pushed frame is searched for the
markers in the texts. It reports the time from a contribution being sent to its arrival at
each phone (p50/p95/p99 over every delivery, and p95 of the moment the last phone had it),
deliveries lost or duplicated, time to connect everyone, the server's CPU and peak memory,
and the generator's own CPU, with the machine's load average (other work on the same two
cores shows up there); then the app/baseline ratio. Every phase has a time cap, and
the servers are stopped at the end. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import (
    cpu_seconds,
    free_port,
    one_address_env,
    peak_rss_mb,
    percentile,
    raise_fd_limit,
    stop_server,
)
from wire import CSRF, HttpError, OnFrame, Participant, http, join_workshop

ROOT = Path(__file__).resolve().parent.parent
PLAN = "at-our-best-with-each-other"
ACTIVITY = "arrival-hopes"
MARK = re.compile(rb"bm(\d+)z")
CONNECT_CAP = 300.0  # seconds to bring everyone in before the run is abandoned
DRAIN_CAP = 10.0  # seconds to wait for the last deliveries after the last send


@dataclass
class Result:
    target: str
    participants: int
    connected: int
    rate: float
    sent: int
    acknowledged: int
    expected: int
    delivered: int
    lost: int
    duplicated: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    everyone_p95_ms: float
    ack_p50_ms: float
    ack_p95_ms: float
    connect_s: float
    server_cpu_pct: float
    server_peak_mb: float
    generator_cpu_pct: float
    deliveries_per_s: float
    machine_load: float


async def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port} in {timeout} s")


class Server:
    """One server under test, its data folder and its log."""

    def __init__(self, target: str, ws: str, window: float | None, workdir: Path,
                 seating: str = "room", budget: int | None = None) -> None:
        self.target = target
        self.seating = seating
        self.port = free_port()
        self.data_dir = workdir / f"{target}-data"
        self.log = workdir / f"{target}.log"
        self.code = "BENCH"
        self.facilitator_path = ""
        command = [sys.executable, str(ROOT / "bench" / "serve.py"), target, "--ws", ws]
        if target == "app":
            created = subprocess.run(
                [sys.executable, str(ROOT / "app.py"), "new", "--plan", PLAN,
                 "--title", "Summit load test", "--data-dir", str(self.data_dir),
                 "--public-url", f"http://127.0.0.1:{self.port}"],
                capture_output=True, text=True, check=True, timeout=60)
            self.code = re.search(r"Join code:\s+(\S+)", created.stdout).group(1)
            link = re.search(r"Facilitator link:\s+(\S+)", created.stdout).group(1)
            self.facilitator_path = link.split(str(self.port), 1)[1]
            command += ["--", "--host", "127.0.0.1", "--port", str(self.port),
                        "--data-dir", str(self.data_dir)]
        else:
            command += ["--port", str(self.port)]
        env = one_address_env()
        if window is not None:
            env["APPRECIATE_PUSH_WINDOW"] = str(window)
        if budget is not None:
            env["APPRECIATE_PUSH_BUDGET"] = str(budget)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT, env=env)

    async def open_room(self) -> None:
        """Facilitator: log in with the private link, choose the seating, move to Define."""
        if self.target != "app":
            return
        cookies: dict[str, str] = {}
        await http(self.port, "GET", self.facilitator_path, cookies)
        _, _, page = await http(self.port, "GET", f"/w/{self.code}/facilitate", cookies)
        token = CSRF.search(page).group(1).decode()
        steps = [("seating", {"seating": self.seating}), ("move", {"direction": "forward"})]
        for path, form in steps:
            status, _, _ = await http(self.port, "POST", f"/w/{self.code}/{path}", cookies,
                                      {"csrf_token": token, **form})
            if status != 302:
                raise RuntimeError(f"could not open the room ({path}): {status}")

    def stop(self) -> None:
        stop_server(self.process)


class Room:
    """What every simulated phone received, indexed by contribution number."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent_at = array("d", [0.0]) * total
        self.latencies = array("d")
        self.received = array("l", [0]) * total
        self.last = array("d", [0.0]) * total
        self.acknowledged = bytearray(total)
        self.ack_latencies = array("d")
        self.duplicated = 0
        self.seen: list[bytearray] = []

    def listener(self) -> OnFrame:  # a per-phone callback
        seen = bytearray(self.total)
        self.seen.append(seen)

        def on_push(frame: bytes) -> None:
            now = time.monotonic()
            for match in MARK.finditer(frame):
                number = int(match.group(1))
                if seen[number]:
                    self.duplicated += 1
                    continue
                seen[number] = 1
                latency = now - self.sent_at[number]
                self.latencies.append(latency)
                self.received[number] += 1
                if latency > self.last[number]:
                    self.last[number] = latency

        return on_push


TABLE = re.compile(rb"You are at <strong>table (\w+)</strong>")


async def bring_in(server: Server, room: Room, count: int, concurrency: int) -> list[Participant]:
    """Join and connect ``count`` phones, ``concurrency`` at a time. In a seated room each
    phone also opens its room page, as a browser would, to learn its table."""
    gate = asyncio.Semaphore(concurrency)
    phones: list[Participant] = []
    failures: list[str] = []

    async def one() -> None:
        async with gate:
            try:
                cookies = (await join_workshop(server.port, server.code)
                           if server.target in ("app", "floor") else {})
                table = None
                if server.seating == "tables":
                    _, _, page = await http(server.port, "GET", f"/w/{server.code}/", cookies)
                    table = TABLE.search(page).group(1)
                phone = Participant(server.port, server.code, cookies, room.listener())
                phone.table = table
                await phone.connect()
                phones.append(phone)
            except (TimeoutError, OSError, HttpError) as exc:
                failures.append(repr(exc))

    await asyncio.wait_for(asyncio.gather(*(one() for _ in range(count))), CONNECT_CAP)
    if failures:
        print(f"  {len(failures)} phones could not connect, e.g. {failures[0]}", flush=True)
    return phones


async def wait_for_quiet(below: float | None, cap: float = 600.0) -> None:
    """Other work on the same two cores skews every figure: wait (at most ``cap`` seconds)
    until the 1-minute load average falls below ``below``."""
    if below is None:
        return
    deadline = time.monotonic() + cap
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        await asyncio.sleep(5)


async def run_once(target: str, args: argparse.Namespace, workdir: Path) -> Result:
    await wait_for_quiet(args.quiet_below, args.quiet_wait)
    total = int(args.rate * args.duration)
    server = Server(target, args.ws, args.window if target == "app" else None, workdir,
                    seating=args.seating if target == "app" else "room", budget=args.budget)
    room = Room(total)
    try:
        await wait_for_port(server.port, server.process)
        await server.open_room()
        started = time.monotonic()
        phones = await bring_in(server, room, args.participants, args.concurrency)
        connect_s = time.monotonic() - started
        await asyncio.sleep(1.0)
        contributors = phones[: max(1, min(len(phones), args.contributors))]
        acknowledged = answered = 0
        ok = re.compile(rb'"ok":\s*true')
        sender_table: list[str | None] = [None] * total

        def on_ack(number: int, future: asyncio.Future) -> None:
            nonlocal acknowledged, answered
            answered += 1
            room.ack_latencies.append(time.monotonic() - room.sent_at[number])
            if not future.cancelled() and future.exception() is None and ok.search(
                    future.result()):
                acknowledged += 1
                room.acknowledged[number] = 1

        filler = "x" * max(0, args.text - 16)
        cpu0, own0, wall0 = cpu_seconds(server.process.pid), time.process_time(), time.monotonic()
        for number in range(total):
            due = wall0 + number / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            phone = contributors[number % len(contributors)]
            sender_table[number] = phone.table
            room.sent_at[number] = time.monotonic()
            phone.emit("contribute", {"activity": ACTIVITY, "text": f"bm{number}z {filler}",
                                      "client_id": f"bench-{number:09d}"}).add_done_callback(
                functools.partial(on_ack, number))
        # Who should get each card: every phone, or in a seated room its table's phones.
        at_table = collections.Counter(phone.table for phone in phones if not phone.closed)
        audience = [at_table[sender_table[n]] for n in range(total)]
        deadline = time.monotonic() + DRAIN_CAP
        while time.monotonic() < deadline and (len(room.latencies) < sum(audience)
                                               or answered < total):
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - wall0
        server_cpu = cpu_seconds(server.process.pid) - cpu0
        own_cpu = time.process_time() - own0
        peak = peak_rss_mb(server.process.pid)
        for phone in phones:
            await phone.close()
    finally:
        server.stop()
    ordered = sorted(room.latencies)
    acks = sorted(room.ack_latencies)
    everyone = sorted(room.last[n] for n in range(total) if room.received[n] >= audience[n])
    expected = sum(audience[n] for n in range(total) if room.acknowledged[n])
    delivered = len(room.latencies)
    return Result(
        target=target, participants=args.participants, connected=len(phones), rate=args.rate,
        sent=total, acknowledged=acknowledged, expected=expected, delivered=delivered,
        lost=max(0, expected - delivered), duplicated=room.duplicated,
        p50_ms=round(percentile(ordered, 0.50) * 1000, 1),
        p95_ms=round(percentile(ordered, 0.95) * 1000, 1),
        p99_ms=round(percentile(ordered, 0.99) * 1000, 1),
        everyone_p95_ms=round(percentile(everyone, 0.95) * 1000, 1),
        ack_p50_ms=round(percentile(acks, 0.50) * 1000, 1),
        ack_p95_ms=round(percentile(acks, 0.95) * 1000, 1),
        connect_s=round(connect_s, 2),
        server_cpu_pct=round(100 * server_cpu / elapsed, 1),
        server_peak_mb=round(peak, 1),
        generator_cpu_pct=round(100 * own_cpu / elapsed, 1),
        deliveries_per_s=round(delivered / elapsed),
        machine_load=round(os.getloadavg()[0], 1))


COLUMNS = ["target", "participants", "connected", "rate", "acknowledged", "lost", "duplicated",
           "p50_ms", "p95_ms", "p99_ms", "everyone_p95_ms", "ack_p50_ms", "ack_p95_ms",
           "connect_s", "server_cpu_pct",
           "server_peak_mb", "generator_cpu_pct", "deliveries_per_s", "machine_load"]


def print_row(values: dict) -> None:
    print(" | ".join(f"{values[c]}" for c in COLUMNS), flush=True)


def median_of(results: list[Result]) -> dict:
    row = asdict(results[0])
    for name in COLUMNS[2:]:
        digits = 2 if name == "connect_s" else 1
        row[name] = round(statistics.median(getattr(r, name) for r in results), digits)
    row["target"] = f"{results[0].target} (median of {len(results)})"
    return row


async def main_async(args: argparse.Namespace) -> int:
    raise_fd_limit()
    workdir = Path(tempfile.mkdtemp(prefix="appreciate-bench-"))
    results: dict[str, list[Result]] = {t: [] for t in args.targets}
    print(" | ".join(COLUMNS), flush=True)
    try:
        for _repeat in range(args.repeat):
            for target in args.targets:
                result = await run_once(target, args, workdir)
                results[target].append(result)
                print_row(asdict(result))
                if args.json:
                    with open(args.json, "a", encoding="utf-8") as out:
                        out.write(json.dumps({**asdict(result), "ws": args.ws,
                                              "window": args.window,
                                              "budget": args.budget}) + "\n")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    medians = {t: median_of(r) for t, r in results.items() if r}
    print("medians:")
    for row in medians.values():
        print_row(row)
    if "app" in medians and "bare" in medians and medians["bare"]["p95_ms"]:
        print(f"p95 ratio app/bare: {medians['app']['p95_ms'] / medians['bare']['p95_ms']:.2f}")
    for target in ("app", "floor"):
        if target in medians and "bare" in medians and medians["bare"]["connect_s"]:
            print(f"connect_s ratio {target}/bare: "
                  f"{medians[target]['connect_s'] / medians['bare']['connect_s']:.2f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python bench/load.py", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0, help="contributions per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of contributing")
    parser.add_argument("--contributors", type=int, default=200,
                        help="how many of the participants take turns to contribute")
    parser.add_argument("--text", type=int, default=120, help="characters per contribution")
    parser.add_argument("--concurrency", type=int, default=32, help="joins in flight at once")
    parser.add_argument("--ws", choices=["gevent-websocket", "simple"],
                        default="gevent-websocket", help="WebSocket handler under gevent")
    parser.add_argument("--window", type=float, default=None,
                        help="the app's longest push window in seconds (default: the app's "
                             "own; 0: every change pushed on its own)")
    parser.add_argument("--seating", choices=["room", "tables"], default="room",
                        help="the app's seating: one room (every card to every phone, the worst "
                             "case) or tables of about eight (each card to its table)")
    parser.add_argument("--budget", type=int, default=None,
                        help="the app's deliveries per second per room (default: the app's own)")
    parser.add_argument("--targets", nargs="+", choices=["bare", "app", "floor"],
                        default=["bare", "app"],
                        help="floor: the join path with nothing but Flask's session (serve.py)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; medians printed")
    parser.add_argument("--quiet-below", type=float, default=None,
                        help="before each run, wait up to --quiet-wait seconds for the "
                             "machine's 1-minute load average to fall below this")
    parser.add_argument("--quiet-wait", type=float, default=600.0)
    parser.add_argument("--json", help="append each run's figures to this file (JSON lines)")
    parser.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    return parser


if __name__ == "__main__":
    sys.exit(asyncio.run(main_async(build_parser().parse_args())))
