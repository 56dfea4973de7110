"""A hospital proxy that blocks WebSockets: phones still take part over long-polling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import WebSocketRoute, expect

from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_participant_takes_part_with_websockets_blocked(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")

    phone = new_context(viewport={"width": 360, "height": 740})
    blocked: list[str] = []

    def refuse(ws: WebSocketRoute) -> None:
        blocked.append(ws.url)
        ws.close(code=1008, reason="WebSockets are not allowed by this proxy")

    phone.route_web_socket(re.compile(r"/socket\.io/"), refuse)
    participant = join_as_participant(phone, server.url, code)

    advance(facilitator)
    expect(participant.locator("#phase-panel")).to_contain_text("Phase 1 of 5: Define")
    participant.get_by_label("Your words").fill("Sent over long-polling through the proxy")
    participant.get_by_role("button", name="Share").click()
    expect(participant.locator("#composer-status")).to_have_text("Shared. Thank you.")
    expect(facilitator.locator("#facilitator-panel .card-body")).to_have_text(
        ["Sent over long-polling through the proxy"])
    expect(participant.locator("#connection")).to_have_text("Connected")
    assert blocked, "the page never tried a WebSocket, so nothing was proven"


def test_offline_phone_says_so_and_keeps_the_text(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    advance(facilitator)
    phone = new_context()
    participant = join_as_participant(phone, server.url, code)
    expect(participant.locator("#phase-panel")).to_contain_text("Define")

    phone.set_offline(True)
    expect(participant.locator("#connection")).to_have_text("Reconnecting… your text is safe.",
                                                            timeout=60_000)
    participant.get_by_label("Your words").fill("Typed in the lift with no signal")
    participant.get_by_role("button", name="Share").click()
    phone.set_offline(False)
    expect(participant.locator("#connection")).to_have_text("Connected", timeout=60_000)
    expect(facilitator.locator("#facilitator-panel .card-body")).to_have_text(
        ["Typed in the lift with no signal"])
