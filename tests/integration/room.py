"""Drive a workshop through the real HTTP routes and Socket.IO handlers, as browsers would."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIO, SocketIOTestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@dataclass
class Person:
    """One browser: its cookie jar (HTTP) and, once connected, its live socket."""

    http: FlaskClient
    code: str
    socket: SocketIOTestClient | None = None
    received: list[str] = field(default_factory=list)

    def connect(self, socketio: SocketIO, app: Flask) -> SocketIOTestClient:
        self.socket = socketio.test_client(app, flask_test_client=self.http,
                                           auth={"workshop": self.code})
        return self.socket

    def fragments(self) -> list[str]:
        """Everything pushed to this browser since the last call."""
        assert self.socket is not None
        new = [event["args"][0] for event in self.socket.get_received()
               if event["name"] == "fragment"]
        self.received.extend(new)
        return new

    def post(self, path: str, data: dict | None = None, page: str | None = None, **kwargs):
        """POST a form with the CSRF token taken from ``page`` (default: the home page)."""
        html = self.http.get(page or "/").get_data(as_text=True)
        return self.http.post(path, data={**(data or {}), "csrf_token": csrf_from(html)}, **kwargs)

    def emit(self, event: str, payload: dict) -> dict:
        assert self.socket is not None
        return self.socket.emit(event, payload, callback=True)

    def contribute(self, activity: str, text: str, client_id: str | None = None) -> dict:
        return self.emit("contribute", {"activity": activity, "text": text,
                                        "client_id": client_id or secrets.token_hex(8)})


def start_workshop(app: Flask, plan: str = "at-our-best-with-each-other") -> Person:
    """A facilitator starts a workshop through the pages; returns them with the join code."""
    facilitator = Person(app.test_client(), code="")
    response = facilitator.post("/start", {"plan": plan, "title": "Ward 7 away morning"},
                                page="/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    facilitator.code = response.headers["Location"].split("/")[2]
    return facilitator


def join(app: Flask, code: str, name: str = "") -> Person:
    person = Person(app.test_client(), code=code)
    response = person.post(f"/w/{code}/join", {"display_name": name}, page=f"/w/{code}/join")
    assert response.status_code == 302, response.get_data(as_text=True)
    return person
