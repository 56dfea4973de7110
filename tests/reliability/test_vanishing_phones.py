"""Phones that vanish mid-workshop never freeze the room: a real server process, real
Socket.IO clients on both transports, and real faults at random moments while cards are
shared and the facilitator moves the room between activities.

Engine.IO lets a silent phone go when something is next sent to it, and runs the app's
disconnect handler inside that send. Before the push path stopped holding a lock across
sends, the first such phone froze every live update for everyone until a restart. The server
here pings every 2 s and waits 3 s for an answer (45 s in all by default), so a vanished
phone is let go within seconds, many times in one run.
"""

from __future__ import annotations

import gc
import os
import random
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field

import pytest
import requests
import socketio

from tests.conftest import ServerProcess
from tests.netfaults import FaultyLine, FrozenPhone
from tests.phones import wait_until

from . import people

# Clients whose line was cut or went silent leave their sockets to the collector, which
# the test runs while this filter applies.
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
MARK = re.compile(r"vp(\d+)z")
LIVE_ENV = {"APPRECIATE_PING_INTERVAL": "2", "APPRECIATE_PING_TIMEOUT": "3",
            "APPRECIATE_HEARTBEAT_EVERY": "1"}
BURST_SECONDS = 24.0
# Generous for a shared two-core machine; the figures printed by the test are what counts.
ARRIVES_WITHIN = 5.0
ACTIVITIES = ("arrival-hopes", "topic-framing")


@pytest.fixture()
def live_server(tmp_path):
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log",
                            env={**os.environ, **LIVE_ENV}).start()
    yield process
    process.stop()


@dataclass
class Watcher:
    """An awake phone (or the facilitator's screen): when each card's push reached it."""

    name: str
    client: socketio.Client
    seen: dict[int, float] = field(default_factory=dict)
    beats: int = 0

    def heard(self, html: str) -> None:
        now = time.monotonic()
        for number in MARK.findall(html):
            self.seen.setdefault(int(number), now)
        self.beats += html.count("data-beat=")


def watch(base: str, code: str, session: requests.Session, name: str,
          transport: str) -> Watcher:
    client = socketio.Client(reconnection=False, http_session=session)
    watcher = Watcher(name, client)
    client.on("fragment", watcher.heard)
    client.connect(base, auth={"workshop": code}, transports=[transport], wait_timeout=30)
    return watcher


def connected_now(server: ServerProcess) -> int:
    """The open live connections the server has counted, read from its database file."""
    with sqlite3.connect(server.data_dir / "appreciate.sqlite3") as db:
        return db.execute("select coalesce(sum(connections), 0) from participants").fetchone()[0]


def let_go(client: socketio.Client) -> None:
    """Disconnect, and wait for the client's own tasks to end (one on a dead line ends when
    its request times out), so their sockets are closed before the test ends."""
    websocket = client.eio.ws  # a WebSocket cut by the network is left open by the client
    client.disconnect()
    for task in (client.eio.read_loop_task, client.eio.write_loop_task):
        if task is not None:
            task.join(30)
    if websocket is not None:
        websocket.close()


def test_vanishing_phones_on_both_transports_never_stall_the_room(
        live_server, ledger) -> None:
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    base = live_server.url
    facilitator, code = people.start_workshop(base)
    sessions = [facilitator]

    def joined(at: str) -> requests.Session:
        sessions.append(people.join(at, code))
        return sessions[-1]

    watchers = [watch(base, code, facilitator, "facilitator", "websocket")]
    watchers += [watch(base, code, joined(base), f"phone {n} ({transport})", transport)
                 for n, transport in enumerate(["websocket", "polling", "websocket", "polling"])]
    sharers = [people.live(base, code, joined(base), time.monotonic() + 30) for _ in range(8)]

    # The ones that will vanish, each its own way.
    lines = {name: FaultyLine(live_server.port) for name in
             ("polling, walks out of range", "websocket, cut mid-push",
              "polling, cut mid-push")}
    vanishing: list[socketio.Client] = []
    for name, line in lines.items():
        transport = name.split(",")[0]
        vanishing.append(watch(line.url, code, joined(line.url), name, transport).client)
    frozen = [FrozenPhone(base, code, "websocket"), FrozenPhone(base, code, "polling")]
    faults = [("polling phone walks out of range", lines["polling, walks out of range"].go_silent),
              ("WebSocket cut half-way through a push", lines["websocket, cut mid-push"].cut_mid_push),
              ("long-polling cut half-way through a push", lines["polling, cut mid-push"].cut_mid_push),
              ("WebSocket phone frozen (SIGSTOP)", frozen[0].freeze),
              ("long-polling phone frozen (SIGSTOP)", frozen[1].freeze)]
    moments = sorted((rng.uniform(0.5, BURST_SECONDS / 2), what, act) for what, act in faults)

    sent: dict[int, float] = {}
    acknowledged: set[int] = set()
    current = {"activity": ACTIVITIES[0]}
    stop = threading.Event()
    facilitator_live = people.live(base, code, facilitator, time.monotonic() + 30)

    def move_the_room() -> None:
        turn = 0
        while not stop.wait(rng.uniform(0.8, 2.0)):
            turn += 1
            key = ACTIVITIES[turn % 2]
            reply = facilitator_live.call("choose_activity", {"activity": key}, timeout=30)
            assert reply["ok"], reply
            current["activity"] = key

    mover = threading.Thread(target=move_the_room, daemon=True)
    try:
        started = time.monotonic()
        mover.start()
        number = 0
        while time.monotonic() - started < BURST_SECONDS:
            while moments and time.monotonic() - started >= moments[0][0]:
                _at, what, act = moments.pop(0)
                act()
                ledger.faults[what] += 1
            number += 1
            sent[number] = time.monotonic()
            reply = sharers[number % len(sharers)].call("contribute", {
                "activity": current["activity"], "text": f"Card vp{number}z, shared live",
                "client_id": f"vanish-{seed}-{number:05d}"}, timeout=30)
            if reply.get("ok"):
                acknowledged.add(number)
            time.sleep(rng.uniform(0.05, 0.4))
        stop.set()
        mover.join(30)
        time.sleep(ARRIVES_WITHIN)

        lags = {w.name: [w.seen[n] - sent[n] for n in acknowledged if n in w.seen]
                for w in watchers}
        print(f"seed {seed}: {len(acknowledged)} of {number} cards acknowledged; slowest "
              "arrival per screen: " + ", ".join(f"{name} {max(values):.2f} s"
                                                 for name, values in lags.items()))
        for watcher in watchers:
            missing = sorted(acknowledged - watcher.seen.keys())
            assert not missing, f"{watcher.name} never heard of cards {missing} (seed {seed})"
            assert max(lags[watcher.name]) < ARRIVES_WITHIN, (watcher.name, seed)
            assert watcher.client.connected, f"{watcher.name} was let go (seed {seed})"
        assert len(acknowledged) > 40
        assert all(line.cuts == 1 for name, line in lines.items() if "cut" in name)

        # Nothing acknowledged is lost: every card is in the stored workshop.
        stored = facilitator.get(f"{base}/w/{code}/export.json", timeout=30)
        assert stored.status_code == 200
        missing = [n for n in acknowledged if f"vp{n}z" not in stored.text]
        assert missing == []
        ledger.acknowledged += len(acknowledged)
        # Every vanished phone was counted out (by the departures task), every awake one in.
        awake = len(watchers) - 1 + len(sharers)  # the facilitator is not a participant
        wait_until(lambda: connected_now(live_server) == awake, f"{awake} counted as here")
        # The room carried on by itself: nothing had to be rescued by the watchdog.
        log = live_server.log_path.read_text(errors="replace")
        assert "LIVE UPDATES STUCK" not in log and "Traceback" not in log, log[-3000:]
    finally:
        stop.set()
        for phone in frozen:
            phone.kill()
        for line in lines.values():
            line.close()
        for client in [*vanishing, *(w.client for w in watchers), *sharers, facilitator_live]:
            let_go(client)
        for session in sessions:
            session.close()
        gc.collect()
