"""Pull the plug in the middle of a burst: every acknowledged contribution is there, once.

A real `python app.py` process, forty real Socket.IO clients sending at once, SIGKILL three
times during the burst, restart on the same data each time. Clients do what a phone's outbox
does (static/js/live/outbox.js): anything not acknowledged is sent again, with the same
client id, once the server is back.
"""

from __future__ import annotations

import contextlib
import gc
import secrets
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import socketio

from .people import connect, join, start_workshop

PEOPLE = 40
EACH = 8
KILLS_AT = (0.25, 0.5, 0.75)  # of the burst acknowledged so far
DEADLINE_SECONDS = 300  # a ceiling for a slow, shared machine; a quiet one needs ~20-90 s


class Sender(threading.Thread):
    """One phone: sends its items in order, each until it is acknowledged."""

    def __init__(self, base: str, code: str, session, deadline: float, tally: Tally) -> None:
        super().__init__(daemon=True)
        self.base, self.code, self.session, self.deadline = base, code, session, deadline
        self.tally = tally
        self.items = [{"client_id": secrets.token_hex(16), "activity": "arrival-hopes",
                       "text": f"Hope {n} from phone {id(self):x}"} for n in range(EACH)]
        self.acknowledged: list[str] = []
        self.refused: list[str] = []
        self.client = socketio.Client(reconnection=False, http_session=session)

    def run(self) -> None:
        for item in self.items:
            while time.monotonic() < self.deadline:
                try:
                    if not self.client.connected:
                        connect(self.client, self.base, self.code, self.deadline)
                    reply = self.client.call("contribute", item, timeout=3)
                except (socketio.exceptions.SocketIOError, OSError):
                    self._drop()
                    continue
                if reply.get("ok"):
                    self.acknowledged.append(item["client_id"])
                    self.tally.acknowledged(duplicate=reply.get("duplicate", False))
                    break
                if reply.get("retry_after"):
                    time.sleep(reply["retry_after"])
                    continue
                self.refused.append(f"{item['client_id']}: {reply}")
                break

    def _drop(self) -> None:
        with contextlib.suppress(Exception):  # the server is gone, and so is the connection
            self.client.disconnect()
        time.sleep(0.1)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.duplicates = 0

    def acknowledged(self, duplicate: bool) -> None:
        with self.lock:
            self.count += 1
            self.duplicates += int(duplicate)


def query(data_dir: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(f"file:{data_dir / 'appreciate.sqlite3'}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# python-engineio's client drops (without closing) a WebSocket whose server died; the kernel
# has already reset it, so only the garbage collector's warning is left to silence.
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_sigkill_during_a_burst_loses_nothing_and_stores_nothing_twice(server, ledger) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    _facilitator, code = start_workshop(server.url)
    sessions = [join(server.url, code) for _ in range(PEOPLE)]
    tally = Tally()
    senders = [Sender(server.url, code, session, deadline, tally) for session in sessions]
    for sender in senders:  # connect everyone first, so the burst really is at once
        connect(sender.client, server.url, code, deadline)

    for sender in senders:
        sender.start()
    total = PEOPLE * EACH
    kills = 0
    for share in KILLS_AT:
        while tally.count < total * share and time.monotonic() < deadline:
            time.sleep(0.01)
        server.kill()
        kills += 1
        time.sleep(0.3)
        server.start()
    for sender in senders:
        sender.join(timeout=max(1.0, deadline - time.monotonic()))
        sender.client.disconnect()
        sender.session.close()
    _facilitator.close()
    server.stop()
    acknowledged = [cid for sender in senders for cid in sender.acknowledged]
    refused = [reason for sender in senders for reason in sender.refused]
    unfinished = sum(sender.is_alive() for sender in senders)
    senders.clear()
    gc.collect()  # while the warning filter above applies

    rows = dict(query(server.data_dir,
                      "SELECT client_id, COUNT(*) FROM contributions GROUP BY client_id"))
    lost = [cid for cid in acknowledged if cid not in rows]
    ledger.faults["SIGKILL of the server mid-burst"] += kills
    ledger.acknowledged += len(acknowledged)
    ledger.lost += len(lost)
    ledger.resent_after_lost_ack += tally.duplicates

    assert kills == len(KILLS_AT)
    assert unfinished == 0, "clients did not finish in time"
    assert refused == []
    assert lost == [], f"{len(lost)} acknowledged contributions were lost"
    assert all(count == 1 for count in rows.values()), "a contribution was stored twice"
    assert sorted(rows) == sorted(acknowledged)
    assert len(acknowledged) == total
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log
    participant_ids = [pid for (pid,) in query(server.data_dir, "SELECT id FROM participants")]
    assert len(participant_ids) == PEOPLE
    assert not [pid for pid in participant_ids if pid in log]
