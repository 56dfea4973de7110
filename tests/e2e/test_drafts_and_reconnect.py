"""What a person typed survives a phase change, a reload and a server restart."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_half_typed_text_survives_phase_change_and_reload(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    participant = join_as_participant(new_context(), server.url, code)
    box = participant.get_by_label("Your words")
    box.fill("Half a thought about the night team")

    advance(facilitator)
    expect(participant.locator("#phase-panel")).to_contain_text("Define")
    expect(box).to_have_value("Half a thought about the night team")

    participant.reload()
    expect(participant.get_by_label("Your words")).to_have_value(
        "Half a thought about the night team")


def test_browser_reconnects_after_restart_and_resyncs(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    participant = join_as_participant(new_context(), server.url, code)

    server.kill()
    expect(participant.locator("#connection")).to_contain_text("Reconnecting", timeout=15000)
    # typed while the server is down: kept on the phone, sent once it is back
    participant.get_by_label("Your words").fill("Written while the laptop was restarting")
    server.start()
    expect(participant.locator("#connection")).to_have_text("Connected", timeout=20000)
    expect(facilitator.locator("#connection")).to_have_text("Connected", timeout=20000)

    advance(facilitator)
    expect(participant.locator("#phase-panel")).to_contain_text("Phase 1 of 5: Define")
    participant.get_by_role("button", name="Share").click()
    expect(facilitator.locator("#facilitator-panel .card-body")).to_have_text(
        ["Written while the laptop was restarting"])
