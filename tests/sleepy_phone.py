"""A phone in a process of its own, for tests that freeze it (tests/netfaults.py).

    python -m tests.sleepy_phone BASE_URL CODE websocket|polling

Joins the workshop anonymously, opens its live connection, prints "connected" and then
listens until it is killed.
"""

from __future__ import annotations

import sys
import time

import socketio

from tests.reliability import people


def main(base: str, code: str, transport: str) -> None:
    session = people.join(base, code)
    client = socketio.Client(reconnection=False, http_session=session)
    client.connect(base, auth={"workshop": code}, transports=[transport], wait_timeout=30)
    print("connected", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(*sys.argv[1:4])
