"""Real clients for tests against server processes: a cookie jar for the pages and a
python-socketio client for the live connection, as a participant's browser holds them."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import requests
import socketio

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
WAIT = 30.0  # generous: other test runs share this machine's two cores


class Phone:
    """A participant's browser: a cookie jar for the pages and a live Socket.IO client."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.http = requests.Session()
        self.pushed: list[str] = []
        self.lock = threading.Lock()
        self.sio: socketio.Client | None = None

    def post(self, base: str, path: str, form: dict, page: str) -> requests.Response:
        token = CSRF.search(self.http.get(base + page, timeout=WAIT).text).group(1)
        return self.http.post(base + path, data={**form, "csrf_token": token},
                              allow_redirects=False, timeout=WAIT)

    def connect(self, base: str) -> None:
        """Open the live connection with this browser's cookie, as static/js/live/connection.js
        does."""
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("fragment", self._received)
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.sio.connect(base, headers={"Cookie": cookie}, auth={"workshop": self.code},
                         transports=["websocket"], wait_timeout=WAIT)

    def _received(self, html: str) -> None:
        with self.lock:
            self.pushed.append(html)

    def has_seen(self, text: str) -> bool:
        with self.lock:
            return any(text in html for html in self.pushed)

    def contribute(self, activity: str, text: str, client_id: str) -> dict:
        assert self.sio is not None
        return self.sio.call("contribute", {"activity": activity, "text": text,
                                            "client_id": client_id}, timeout=WAIT)

    def close(self) -> None:
        if self.sio is not None:
            self.sio.disconnect()


def wait_until(check: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


def start_workshop(base: str, title: str = "Trust-wide summit") -> Phone:
    """A facilitator starts a workshop through the pages of the server at ``base``."""
    facilitator = Phone(code="")
    response = facilitator.post(base, "/start", {"plan": "at-our-best-with-each-other",
                                                 "title": title}, page="/start")
    assert response.status_code == 302, response.text
    facilitator.code = response.headers["Location"].split("/")[2]
    return facilitator


def join(base: str, code: str) -> Phone:
    """A participant joins through the pages of the server at ``base`` (anonymously)."""
    phone = Phone(code)
    joined = phone.post(base, f"/w/{code}/join", {"display_name": ""}, page=f"/w/{code}/join")
    assert joined.status_code == 302, joined.text
    return phone
