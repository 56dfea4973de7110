"""People on a real server process: a requests session for the pages (cookies, CSRF) and a
python-socketio client for the live connection, as a phone's browser would use them."""

from __future__ import annotations

import re
import time

import requests
import socketio

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def start_workshop(base: str, title: str = "Night team stand-up") -> tuple[requests.Session, str]:
    """A facilitator starts a workshop and opens its first phase; returns them and the code."""
    facilitator = requests.Session()
    token = csrf(facilitator, f"{base}/start")
    created = facilitator.post(f"{base}/start", data={
        "plan": "at-our-best-with-each-other", "title": title, "csrf_token": token},
        allow_redirects=False, timeout=10)
    assert created.status_code == 302, created.text
    code = created.headers["Location"].split("/")[2]
    token = csrf(facilitator, f"{base}/w/{code}/facilitate")
    moved = facilitator.post(f"{base}/w/{code}/move", data={
        "direction": "forward", "csrf_token": token}, allow_redirects=False, timeout=10)
    assert moved.status_code == 302, moved.text
    return facilitator, code


def join(base: str, code: str, name: str = "") -> requests.Session:
    person = requests.Session()
    token = csrf(person, f"{base}/w/{code}/join")
    joined = person.post(f"{base}/w/{code}/join", data={
        "display_name": name, "csrf_token": token}, allow_redirects=False, timeout=10)
    assert joined.status_code == 302, joined.text
    return person


def live(base: str, code: str, session: requests.Session, deadline: float,
         **options: object) -> socketio.Client:
    """Open (or re-open) a live connection, retrying until ``deadline`` while the server is
    starting."""
    client = socketio.Client(reconnection=False, http_session=session)
    connect(client, base, code, deadline, **options)
    return client


def connect(client: socketio.Client, base: str, code: str, deadline: float,
            **options: object) -> None:
    while True:
        try:
            client.connect(base, auth={"workshop": code}, transports=["websocket"],
                           wait_timeout=5, **options)
            return
        except socketio.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
