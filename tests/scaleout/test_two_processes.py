"""Two ``python app.py`` processes serve one workshop through real Redis and PostgreSQL.

Participants join through either process's pages and hold live Socket.IO connections to it;
contributions and phase changes made on one reach everyone on both. Then one process is
killed outright and its participants reconnect to the other, as nginx would send them, and
find everything that was acknowledged.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.conftest import ServerProcess, wait_for_port
from tests.phones import WAIT, join, start_workshop, wait_until


def app_process(name: str, tmp: Path, database: str, queue: str, key: str) -> ServerProcess:
    """One of several app processes sharing the queue, the database and the signing key."""
    return ServerProcess(tmp / f"{name}-data", tmp / f"{name}.log", "--database", database,
                         "--message-queue", queue,
                         env={"APPRECIATE_SECRET_KEY": key, "PATH": "/usr/bin:/bin"})


@pytest.fixture()
def two_processes(tmp_path: Path, postgres_url: str, redis_url: str):
    """Two app processes started at the same moment on one empty PostgreSQL database, so
    both run the migrations at once (they must take turns, not fail)."""
    key = secrets.token_hex(32)
    processes = [app_process(name, tmp_path, postgres_url, redis_url, key).launch()
                 for name in ("a", "b")]
    try:
        for process in processes:
            wait_for_port(process.port, process.process, timeout=60)
        yield processes
    finally:
        for process in processes:
            process.stop()


def test_two_processes_serve_one_workshop_and_survive_losing_one(two_processes) -> None:
    a, b = two_processes
    facilitator = start_workshop(a.url)
    code = facilitator.code
    on_a = [join(a.url, code) for _ in range(3)]
    on_b = [join(b.url, code) for _ in range(3)]
    for phone in on_a:
        phone.connect(a.url)
    for phone in on_b:
        phone.connect(b.url)
    facilitator.connect(a.url)
    everyone = [facilitator, *on_a, *on_b]
    try:
        # A phase change made through process B reaches the phones on A as well.
        moved = facilitator.post(b.url, f"/w/{code}/move", {"direction": "forward"},
                                 page=f"/w/{code}/facilitate")
        assert moved.status_code == 302
        for phone in everyone:
            wait_until(lambda p=phone: p.has_seen('data-phase="define"'),
                       "every phone on both processes is in Define")

        # A contribution sent to each process reaches every phone on both.
        acknowledged = {}
        for index, phone in enumerate([on_a[0], on_b[0]]):
            text, client_id = f"Shared through process {index}", f"scale-out-{index:04d}"
            reply = phone.contribute("arrival-hopes", text, client_id)
            assert reply["ok"] is True and reply["duplicate"] is False
            acknowledged[client_id] = (phone, text)
        for phone in everyone:
            for _phone, text in acknowledged.values():
                wait_until(lambda p=phone, t=text: p.has_seen(t),
                           f"every phone has {text!r}")

        # One more on A, acknowledged just before A dies without any warning.
        last = on_a[1].contribute("arrival-hopes", "Sent just before the crash",
                                  "scale-out-last")
        assert last["ok"] is True
        acknowledged["scale-out-last"] = (on_a[1], "Sent just before the crash")
        a.kill()

        # A's phones reconnect to B (as nginx would route them) and re-fetch their view.
        for phone in on_a:
            phone.close()
            phone.connect(b.url)
            state = phone.http.get(f"{b.url}/w/{code}/state", timeout=WAIT)
            assert state.status_code == 200
            for _sender, text in acknowledged.values():
                assert text in state.text, f"{text!r} was lost with process A"
        facilitator.close()
        facilitator.connect(b.url)

        # A retry of an acknowledged contribution (a lost ack, an outbox) is stored once.
        retry = on_a[1].contribute("arrival-hopes", "Sent just before the crash",
                                   "scale-out-last")
        assert retry["ok"] is True and retry["duplicate"] is True
        assert retry["id"] == last["id"]

        # The room carries on with everyone on B: new contributions and phase changes.
        reply = on_a[2].contribute("arrival-hopes", "After the move to B", "scale-out-after")
        assert reply["ok"] is True
        moved = facilitator.post(b.url, f"/w/{code}/move", {"direction": "forward"},
                                 page=f"/w/{code}/facilitate")
        assert moved.status_code == 302
        for phone in everyone:
            wait_until(lambda p=phone: p.has_seen("After the move to B"),
                       "every phone has the contribution made after the crash")
            wait_until(lambda p=phone: p.has_seen('data-phase="discover"'),
                       "every phone is in Discover")
        final = on_b[2].http.get(f"{b.url}/w/{code}/state", timeout=WAIT).text
        assert final.count('class="card"') == 0  # Discover's wall starts empty
        moved_back = facilitator.post(b.url, f"/w/{code}/move", {"direction": "back"},
                                      page=f"/w/{code}/facilitate")
        assert moved_back.status_code == 302
        final = on_b[2].http.get(f"{b.url}/w/{code}/state", timeout=WAIT).text
        for text in ["Shared through process 0", "Shared through process 1",
                     "Sent just before the crash", "After the move to B"]:
            assert final.count(text) == 1, f"{text!r} should be on the wall exactly once"
    finally:
        for phone in everyone:
            if phone.sio is not None and phone.sio.connected:
                phone.close()
