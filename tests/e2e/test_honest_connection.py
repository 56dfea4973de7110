"""A page says "Connected" only while pushes really arrive, and a phone that slept finds
everything it missed when it wakes.

The server beats every 3 seconds through the same path as every push (heartbeat.py); the
page counts three beats of silence as a lost connection (static/js/live/connection.js).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Page, WebSocketRoute, expect

from .helpers import join_as_participant
from .test_reconnection import LONG, cards, open_room, wait_until

pytestmark = pytest.mark.e2e


class Relay:
    """Between one phone and the server: passes every WebSocket message until ``silence``,
    after which its first WebSocket stays open and carries nothing either way (a proxy that
    holds the socket, a server whose pushes stopped). Later WebSockets pass again."""

    def __init__(self, context: BrowserContext) -> None:
        self.silent = False
        self.sockets: list[WebSocketRoute] = []
        self.upgraded = False
        context.route_web_socket(re.compile(r"/socket\.io/"), self._relay)

    def _relay(self, ws: WebSocketRoute) -> None:
        upstream = ws.connect_to_server()
        self.sockets.append(ws)
        first = len(self.sockets) == 1

        def from_phone(message: str | bytes) -> None:
            if message == "5":
                self.upgraded = True  # the live connection now runs over this WebSocket
            if not (first and self.silent):
                upstream.send(message)

        def from_server(message: str | bytes) -> None:
            if not (first and self.silent):
                ws.send(message)

        ws.on_message(from_phone)
        upstream.on_message(from_server)

    def push(self, html: str) -> None:
        """A push as the server would send it, straight to the phone's live connection."""
        escaped = html.replace("\\", "\\\\").replace('"', '\\"')
        self.sockets[-1].send(f'42["fragment","{escaped}"]')


def test_a_connection_that_carries_nothing_shows_as_reconnecting_and_catches_up(
        server, new_context, ledger) -> None:
    facilitator, code = open_room(server, new_context)
    context = new_context()
    relay = Relay(context)
    phone = join_as_participant(context, server.url, code)
    neighbour = join_as_participant(new_context(), server.url, code)
    wait_until(phone, lambda: relay.upgraded, "the live connection over WebSocket")

    relay.silent = True
    ledger.faults["WebSocket open but carrying nothing"] += 1
    neighbour.get_by_label("Your words").fill("Shared while the phone heard nothing")
    neighbour.get_by_role("button", name="Share").click()
    expect(cards(facilitator, "heard nothing")).to_have_count(1)
    # Engine.IO alone would say "Connected" for 45 s; three missed beats are about 10 s.
    expect(phone.locator("#connection")).to_contain_text("Reconnecting", timeout=16_000)
    expect(phone.locator("#connection")).to_have_text("Connected", timeout=LONG)
    expect(cards(phone, "heard nothing")).to_have_count(1, timeout=LONG)
    assert len(relay.sockets) >= 2, "the page never opened a new connection"


def test_a_skipped_beat_makes_the_page_fetch_its_view_again(server, new_context) -> None:
    _facilitator, code = open_room(server, new_context)
    context = new_context()
    relay = Relay(context)
    phone = join_as_participant(context, server.url, code)
    wait_until(phone, lambda: relay.upgraded, "the live connection over WebSocket")

    relay.push('<template data-beat="test:1" data-spread="0"></template>')
    phone.wait_for_timeout(300)
    with phone.expect_request(lambda request: "/state" in request.url, timeout=5_000):
        relay.push('<template data-beat="test:3" data-spread="0"></template>')
    expect(phone.locator("#connection")).to_have_text("Connected")
    assert not phone.locator("template[data-beat]").count(), "a beat was left in the page"


def test_phones_asleep_for_a_minute_find_everything_they_missed(
        server, new_context, ledger) -> None:
    """Two phones, one on WebSocket and one on long-polling (its WebSocket refused), lock
    their screens at the same moment while the room shares and moves to another question."""
    facilitator, code = open_room(server, new_context)
    sleepers: dict[str, tuple[BrowserContext, Page]] = {}
    for transport in ("websocket", "long-polling"):
        context = new_context(viewport={"width": 360, "height": 740})
        if transport == "long-polling":
            context.route_web_socket(re.compile(r"/socket\.io/"), lambda ws: ws.close())
        sleepers[transport] = (context, join_as_participant(context, server.url, code))
    neighbour = join_as_participant(new_context(), server.url, code)

    def share(page: Page, text: str) -> None:
        page.get_by_label("Your words").fill(text)
        page.get_by_role("button", name="Share").click()
        expect(page.locator("#composer-status")).to_have_text("Shared. Thank you.")

    freezers = {}
    for transport, (context, phone) in sleepers.items():
        share(phone, f"Written on {transport} before the screen locked")
        phone.get_by_label("Your words").fill(f"Half typed on {transport}")
        freezers[transport] = context.new_cdp_session(phone)
    for transport, cdp in freezers.items():
        cdp.send("Page.setWebLifecycleState", {"state": "frozen"})
        ledger.faults[f"phone asleep for a minute ({transport})"] += 1
    share(neighbour, "Shared while the phones slept")
    facilitator.wait_for_timeout(20_000)
    facilitator.locator(".activity-chooser button[value=topic-framing]").click()
    expect(facilitator.locator("#phase-panel")).to_contain_text('What "at our best" means')
    share(neighbour, "Shared on the new question while the phones slept")
    facilitator.wait_for_timeout(40_000)  # a minute in all: the server let the phones go
    for cdp in freezers.values():
        cdp.send("Page.setWebLifecycleState", {"state": "active"})

    for transport, (_context, phone) in sleepers.items():
        expect(phone.locator("#phase-panel"), transport).to_contain_text(
            'What "at our best" means', timeout=LONG)
        expect(cards(phone, "on the new question while the phones slept")).to_have_count(1)
        expect(phone.locator("#connection")).to_have_text("Connected")
        expect(phone.get_by_label("Your words")).to_have_value(f"Half typed on {transport}")
        share(phone, f"Back awake on {transport} and still heard")
        expect(cards(facilitator, f"Back awake on {transport} and still heard")).to_have_count(1)
        ledger.acknowledged += 2
