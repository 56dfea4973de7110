"""Soak benchmark: a room of phones on poor hospital Wi-Fi for minutes on end.

    python bench/soak.py --phones 300 --minutes 10

Each run starts Appreciate (``python app.py``, its default ping and heartbeat settings) on a
fresh data folder on 127.0.0.1 and brings in ``--phones`` phones through the real join pages,
a third of them on HTTP long-polling (a proxy that blocks WebSockets), the rest on WebSocket,
and the facilitator's screen. For the whole run some of them share cards and the facilitator
moves the room between two activities.

Two runs, one after the other, in the same invocation:

1. **calm** – the baseline: nobody's phone misbehaves.
2. **restless** – a tenth of the phones, at random moments, *sleep* (read and answer nothing,
   the socket left open, for 20–90 s), *walk away* (the same, then come back on a new
   connection) or share while asleep (the card waits on the phone and goes when it wakes,
   sent again with the same id until acknowledged, as static/js/live/outbox.js does). On
   waking, a phone whose connection the server let go connects again and fetches its view,
   as static/js/live/connection.js does.

Reported per run: cards acknowledged; cards lost (acknowledged but not in the stored
workshop at the end; goal 0); deliveries missed by phones that were awake throughout; the
time from a card being sent to its arrival at every phone that was awake from then until it
arrived (p50, p99 and the worst, the "worst gap in updates", goal under 3 s; a card an
awake phone never heard of counts as waiting until the end); the longest
silence an awake phone heard (beats included); sleeps, walks, reconnections, fetches of the
view; the server's CPU and peak memory. Then the ratio restless/calm. Loopback only, every
phase capped in time, the server stopped at the end. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import (
    ALL_FROM_HERE,
    cpu_seconds,
    free_port,
    median_rows,
    peak_rss_mb,
    percentile,
    raise_fd_limit,
    stop_server,
)
from wire import CSRF, HttpError, Participant, PollingParticipant, http, join_workshop

ROOT = Path(__file__).resolve().parent.parent
PLAN = "at-our-best-with-each-other"
ACTIVITIES = ("arrival-hopes", "topic-framing")
MARK = re.compile(rb"sk(\d+)z")
BEAT = re.compile(rb'data-beat=\\?"(\w+):(\d+)')
CONNECT_CAP = 300.0
DRAIN = 10.0  # seconds after the last card for the last deliveries and wake-ups


@dataclass
class Result:
    target: str
    phones: int
    minutes: float
    acknowledged: int
    lost: int
    missed_by_awake: int
    p50_ms: float
    p99_ms: float
    worst_delivery_s: float
    worst_silence_s: float
    sleeps: int
    walks: int
    reconnects: int
    view_fetches: int
    server_cpu_pct: float
    server_peak_mb: float


@dataclass
class Phone:
    """One simulated phone: its connection, and when it was awake and what it heard."""

    name: int
    transport: str
    cookies: dict[str, str]
    connection: Participant | PollingParticipant | None = None
    heard_at: dict[int, float] = field(default_factory=dict)
    awake: list[list[float]] = field(default_factory=list)  # [from, to] spells awake
    last_heard: float = 0.0
    worst_silence: float = 0.0
    beats: dict[bytes, int] = field(default_factory=dict)
    outbox: dict[int, str] = field(default_factory=dict)  # card number -> activity

    def hear(self, frame: bytes) -> None:
        now = time.monotonic()
        if self.awake and self.awake[-1][1] == 0.0:
            self.worst_silence = max(self.worst_silence, now - self.last_heard)
        self.last_heard = now
        for match in MARK.finditer(frame):
            self.heard_at.setdefault(int(match.group(1)), now)

    def fell_asleep(self) -> None:
        if self.awake and self.awake[-1][1] == 0.0:
            self.awake[-1][1] = time.monotonic()

    def woke(self) -> None:
        now = time.monotonic()
        self.awake.append([now, 0.0])
        self.last_heard = now

    def awake_over(self, start: float, end: float) -> bool:
        return any(a <= start and (b == 0.0 or b >= end) for a, b in self.awake)


class Soak:
    """One run: a server, its room, and the figures."""

    def __init__(self, target: str, args: argparse.Namespace, workdir: Path) -> None:
        self.target = target
        self.args = args
        self.rng = random.Random(args.seed + (0 if target == "calm" else 1))
        self.port = free_port()
        self.data_dir = workdir / f"{target}-data"
        self.log = workdir / f"{target}.log"
        self.phones: list[Phone] = []
        self.sent_at: dict[int, float] = {}
        self.acknowledged: set[int] = set()
        self.number = 0
        self.activity = ACTIVITIES[0]
        self.sleeps = self.walks = self.reconnects = self.view_fetches = 0
        self.facilitator_cookies: dict[str, str] = {}
        self.background: set[asyncio.Task] = set()  # asyncio keeps only weak references
        created = subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "new", "--plan", PLAN, "--title",
             "Soak test", "--data-dir", str(self.data_dir),
             "--public-url", f"http://127.0.0.1:{self.port}"],
            capture_output=True, text=True, check=True, timeout=60)
        self.code = re.search(r"Join code:\s+(\S+)", created.stdout).group(1)
        link = re.search(r"Facilitator link:\s+(\S+)", created.stdout).group(1)
        self.facilitator_path = link.split(str(self.port), 1)[1]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port",
                 str(self.port), "--data-dir", str(self.data_dir)],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=ALL_FROM_HERE)

    async def start(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                await asyncio.sleep(0.1)
        cookies = self.facilitator_cookies
        await http(self.port, "GET", self.facilitator_path, cookies)
        _, _, page = await http(self.port, "GET", f"/w/{self.code}/facilitate", cookies)
        self.token = CSRF.search(page).group(1).decode()
        for path, form in (("seating", {"seating": "room"}), ("move", {"direction": "forward"})):
            status, _, _ = await http(self.port, "POST", f"/w/{self.code}/{path}", cookies,
                                      {"csrf_token": self.token, **form})
            if status != 302:
                raise RuntimeError(f"could not open the room ({path}): {status}")

    async def connect(self, phone: Phone) -> None:
        kind = Participant if phone.transport == "websocket" else PollingParticipant
        phone.connection = kind(self.port, self.code, phone.cookies, phone.hear)
        await phone.connection.connect()
        phone.woke()

    async def fetch_view(self, phone: Phone) -> None:
        """What static/js/live/connection.js does on every (re)connect: fetch the whole view
        over HTTP."""
        self.view_fetches += 1
        _, _, page = await http(self.port, "GET", f"/w/{self.code}/state?view=participant",
                                phone.cookies)
        phone.hear(page)

    async def bring_in(self) -> None:
        gate = asyncio.Semaphore(32)

        async def one(name: int, transport: str) -> None:
            async with gate:
                cookies = (dict(self.facilitator_cookies) if name == 0
                           else await join_workshop(self.port, self.code))
                phone = Phone(name, transport, cookies)
                await self.connect(phone)
                self.phones.append(phone)

        transports = ["websocket"] + ["polling" if n % 3 == 2 else "websocket"
                                      for n in range(self.args.phones)]
        await asyncio.wait_for(asyncio.gather(*(one(n, t) for n, t in enumerate(transports))),
                               CONNECT_CAP)
        self.phones.sort(key=lambda phone: phone.name)

    async def share(self, phone: Phone, number: int, activity: str) -> None:
        """Send one card until it is acknowledged or refused; asleep, it waits on the
        phone and goes on waking, with the same id (static/js/live/outbox.js)."""
        phone.outbox[number] = activity
        while number in phone.outbox and not self.done:
            connection = phone.connection
            if connection is None or connection.asleep or connection.closed:
                await asyncio.sleep(0.2)
                continue
            # A card that waited on a sleeping phone counts from the send that reached the
            # server: nobody could have seen it before.
            self.sent_at[number] = time.monotonic()
            try:
                reply = await asyncio.wait_for(connection.emit("contribute", {
                    "activity": activity, "text": f"Card sk{number}z from the soak",
                    "client_id": f"soak-{self.target}-{number:07d}"}), 15)
            except (TimeoutError, ConnectionError, OSError):
                await asyncio.sleep(1)
                continue
            phone.outbox.pop(number, None)
            if b'"ok":true' in reply.replace(b" ", b""):
                self.acknowledged.add(number)
            elif b"retry_after" in reply:
                phone.outbox[number] = activity
                await asyncio.sleep(3)

    async def sharing(self, until: float) -> None:
        settled = [p for p in self.phones[1:] if p.name not in self.restless][:30]
        tasks = []
        while time.monotonic() < until:
            self.number += 1
            tasks.append(asyncio.create_task(self.share(
                settled[self.number % len(settled)], self.number, self.activity)))
            await asyncio.sleep(self.rng.expovariate(self.args.rate))
        await asyncio.gather(*tasks)

    async def moving(self, until: float) -> None:
        turn = 0
        while time.monotonic() < until:
            await asyncio.sleep(self.rng.uniform(20, 40))
            turn += 1
            key = ACTIVITIES[turn % 2]
            status, _, _ = await http(self.port, "POST", f"/w/{self.code}/activity",
                                      self.facilitator_cookies,
                                      {"csrf_token": self.token, "activity": key})
            if status == 302:
                self.activity = key

    async def restless_phone(self, phone: Phone, until: float) -> None:
        while time.monotonic() < until - 30:
            await asyncio.sleep(self.rng.uniform(10, 60))
            walk = self.rng.random() < 0.4
            away = self.rng.uniform(20, 90)
            connection = phone.connection
            assert connection is not None
            phone.fell_asleep()
            connection.sleep()
            if walk:
                self.walks += 1
            else:
                self.sleeps += 1
            if self.rng.random() < 0.5:
                self.number += 1
                task = asyncio.create_task(self.share(phone, self.number, self.activity))
                self.background.add(task)
                task.add_done_callback(self.background.discard)
            await asyncio.sleep(away)
            if walk:
                connection.abandon()
            else:
                connection.wake()
                await asyncio.sleep(3)  # what waited arrives, or the server's goodbye
            if connection.closed:
                self.reconnects += 1
                phone.fell_asleep()
                try:
                    await self.connect(phone)
                except (TimeoutError, OSError, HttpError):
                    continue
                await self.fetch_view(phone)
            else:
                phone.woke()

    async def run(self) -> Result:
        await self.start()
        await self.bring_in()
        count = len(self.phones) - 1
        self.restless = (set(self.rng.sample(range(1, count + 1), count // 10))
                         if self.target == "restless" else set())
        self.done = False
        await asyncio.sleep(2)
        cpu0, wall0 = cpu_seconds(self.process.pid), time.monotonic()
        until = wall0 + 60 * self.args.minutes
        tasks = [asyncio.create_task(self.sharing(until)), asyncio.create_task(self.moving(until))]
        tasks += [asyncio.create_task(self.restless_phone(self.phones[n], until))
                  for n in self.restless]
        await asyncio.sleep(until - time.monotonic())
        for task in tasks[1:]:
            task.cancel()
        for n in self.restless:  # everyone wakes for the end
            phone = self.phones[n]
            if phone.connection and phone.connection.asleep:
                phone.connection.wake()
        await asyncio.sleep(DRAIN)
        self.done = True
        await asyncio.wait_for(tasks[0], 30)
        end = time.monotonic()
        cpu = cpu_seconds(self.process.pid) - cpu0
        stored = (await http(self.port, "GET", f"/w/{self.code}/export.json",
                             self.facilitator_cookies))[2]
        for phone in self.phones:
            if phone.connection:
                await phone.connection.close()
        return self.figures(stored, end, cpu / (end - wall0))

    def figures(self, stored: bytes, end: float, cpu_share: float) -> Result:
        found = {int(n) for n in MARK.findall(stored)}
        latencies: list[float] = []
        missed = 0
        longest_wait = 0.0  # a card an awake phone never heard of waited until the end
        for number in self.acknowledged:
            sent = self.sent_at[number]
            for phone in self.phones:
                if phone.name in self.restless:
                    continue
                arrived = phone.heard_at.get(number)
                if arrived is None:
                    if phone.awake_over(sent, end):
                        missed += 1
                        longest_wait = max(longest_wait, end - sent)
                elif phone.awake_over(sent, arrived):
                    latencies.append(arrived - sent)
        ordered = sorted(latencies)
        awake = [p for p in self.phones if p.name not in self.restless]
        return Result(
            target=self.target, phones=len(self.phones) - 1, minutes=self.args.minutes,
            acknowledged=len(self.acknowledged), lost=len(self.acknowledged - found),
            missed_by_awake=missed, p50_ms=round(percentile(ordered, 0.5) * 1000, 1),
            p99_ms=round(percentile(ordered, 0.99) * 1000, 1),
            worst_delivery_s=round(max(ordered[-1] if ordered else 0.0, longest_wait), 2),
            worst_silence_s=round(max(p.worst_silence for p in awake), 2),
            sleeps=self.sleeps, walks=self.walks, reconnects=self.reconnects,
            view_fetches=self.view_fetches, server_cpu_pct=round(100 * cpu_share, 1),
            server_peak_mb=round(peak_rss_mb(self.process.pid), 1))

    def stop(self) -> None:
        stop_server(self.process)


COLUMNS = list(Result.__dataclass_fields__)


def print_row(values: dict) -> None:
    print(" | ".join(str(values[c]) for c in COLUMNS), flush=True)


async def main_async(args: argparse.Namespace) -> int:
    raise_fd_limit()
    workdir = Path(tempfile.mkdtemp(prefix="appreciate-soak-"))
    results: dict[str, list[Result]] = {}
    print(" | ".join(COLUMNS), flush=True)
    try:
        for _repeat in range(args.repeat):
            for target in args.targets:
                soak = Soak(target, args, workdir)
                try:
                    result = await soak.run()
                finally:
                    soak.stop()
                results.setdefault(target, []).append(result)
                print_row(asdict(result))
                stuck = soak.log.read_text(errors="replace").count("LIVE UPDATES STUCK")
                if stuck:
                    print(f"  the watchdog rescued a stuck channel {stuck} time(s): see {soak.log}")
                if args.json:
                    with open(args.json, "a", encoding="utf-8") as out:
                        out.write(json.dumps({**asdict(result), "seed": args.seed}) + "\n")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    medians = median_rows(results, COLUMNS[2:], 2)
    print("medians:")
    for row in medians.values():
        print_row(row)
    if {"calm", "restless"} <= medians.keys():
        calm, restless = medians["calm"], medians["restless"]
        for name in ("p99_ms", "worst_delivery_s", "worst_silence_s"):
            if calm[name]:
                print(f"{name} ratio restless/calm: {restless[name] / calm[name]:.2f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python bench/soak.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=10.0, help="length of each run")
    parser.add_argument("--rate", type=float, default=2.0, help="cards shared per second")
    parser.add_argument("--targets", nargs="+", choices=["calm", "restless"],
                        default=["calm", "restless"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", help="append each run's figures to this file (JSON lines)")
    parser.add_argument("--keep", action="store_true", help="keep the data folders and logs")
    return parser


if __name__ == "__main__":
    sys.exit(asyncio.run(main_async(build_parser().parse_args())))
