"""A room joining at once: every join is acknowledged only once it is kept, everyone is seated
in order of arrival, and every phone already in the room is told the final head count.

Joins that arrive together are committed together (services/group_commit.py) and the head
count is pushed at a pace (live/throttle.py); these are the promises that must hold through
both. A real `python app.py` process and real clients: threads pressing Join at the same
moment through the pages, python-socketio clients listening, and SIGKILL mid-burst.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter

import pytest
import requests

from .people import CSRF, live, start_workshop
from .test_durability import query

CROWD = 60
LISTENING = 4
WAIT = 30.0  # generous: other test runs share this machine's two cores


def try_to_join(base: str, code: str, session: requests.Session) -> bool:
    """One press of Join through the pages; True once the server acknowledged it."""
    try:
        page = session.get(f"{base}/w/{code}/join", timeout=10)
        token = CSRF.search(page.text)
        if token is None:
            return False
        joined = session.post(f"{base}/w/{code}/join", data={
            "display_name": "", "csrf_token": token.group(1)}, allow_redirects=False,
            timeout=10)
    except requests.RequestException:
        return False  # the server went away mid-request: press Join again
    return joined.status_code == 302 and joined.headers["Location"].endswith(f"/w/{code}/")


def crowd_joins(base: str, code: str, count: int, deadline: float,
                acknowledged: list[requests.Session] | None = None) -> list[requests.Session]:
    """``count`` phones released together, each pressing Join until acknowledged; returns the
    acknowledged ones (``acknowledged``, if given, fills as they are)."""
    gate = threading.Barrier(count)
    acknowledged = [] if acknowledged is None else acknowledged
    lock = threading.Lock()

    def phone() -> None:
        session = requests.Session()
        gate.wait()
        while time.monotonic() < deadline:
            if try_to_join(base, code, session):
                with lock:
                    acknowledged.append(session)
                return
            time.sleep(0.1)

    threads = [threading.Thread(target=phone, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline - time.monotonic()))
    return acknowledged


def test_a_crowd_is_acknowledged_seated_in_order_and_told_the_final_count(server) -> None:
    deadline = time.monotonic() + WAIT
    facilitator, code = start_workshop(server.url)
    listening = [requests.Session() for _ in range(LISTENING)]
    heard: list[list[str]] = [[] for _ in listening]
    clients = []
    for session, pushes in zip(listening, heard, strict=True):
        assert try_to_join(server.url, code, session)
        client = live(server.url, code, session, deadline)
        client.on("fragment", pushes.append)
        clients.append(client)

    acknowledged = crowd_joins(server.url, code, CROWD, deadline)
    joined = LISTENING + CROWD
    final = f"<strong>{joined}</strong> people have joined"
    while time.monotonic() < deadline and not all(
            any(final in push for push in pushes) for pushes in heard):
        time.sleep(0.05)
    told = [any(final in push for push in pushes) for pushes in heard]
    counts_heard = [sum('id="counts"' in push for push in pushes) for pushes in heard]
    for client in clients:
        client.disconnect()
    facilitator.close()
    server.stop()

    assert len(acknowledged) == CROWD
    assert told == [True] * LISTENING, "a phone in the room never heard the final count"
    assert max(counts_heard) < CROWD, "every arrival was pushed to every phone"
    tables = Counter(label for (label,) in query(server.data_dir,
                                                 "SELECT table_label FROM participants"))
    full, rest = divmod(joined, 8)
    assert tables == Counter({**{str(n): 8 for n in range(1, full + 1)},
                              **({str(full + 1): rest} if rest else {})})
    assert len(tables) == math.ceil(joined / 8)
    assert "Traceback" not in server.log_path.read_text(encoding="utf-8", errors="replace")


# python-engineio's client drops (without closing) a WebSocket whose server died; the kernel
# has already reset it, so only the garbage collector's warning is left to silence.
@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
def test_sigkill_during_a_burst_of_joins_keeps_every_acknowledged_join(server, ledger) -> None:
    deadline = time.monotonic() + 3 * WAIT
    facilitator, code = start_workshop(server.url)
    acknowledged: list[requests.Session] = []
    burst = threading.Thread(target=crowd_joins, args=(server.url, code, CROWD, deadline,
                                                       acknowledged), daemon=True)
    burst.start()
    while len(acknowledged) < CROWD // 3 and time.monotonic() < deadline:
        time.sleep(0.001)  # killed as soon as a third of the crowd heard "joined"
    server.kill()
    time.sleep(0.3)
    server.start()
    burst.join(max(1.0, deadline - time.monotonic()))

    kept = []  # a participant's room page; a stranger is sent to the join page
    for session in acknowledged:
        room = session.get(f"{server.url}/w/{code}/", allow_redirects=False, timeout=10)
        kept.append(room.status_code == 200)
        session.close()
    facilitator.close()
    ledger.faults["SIGKILL of the server mid-burst of joins"] += 1

    assert len(acknowledged) == CROWD, "some phones could not join again after the restart"
    assert kept == [True] * CROWD, f"{kept.count(False)} acknowledged joins were lost"
    assert "Traceback" not in server.log_path.read_text(encoding="utf-8", errors="replace")
