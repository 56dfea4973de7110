"""A big room's phones fetch their own panels at a spread pace, in real Chromium: the panel
stays until its fetch answers, then shows the new activity, and nothing is announced as a
new card."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from ..conftest import ServerProcess
from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_phones_in_a_big_room_fetch_their_panel_after_a_random_wait(tmp_path, new_context) -> None:
    # Every room counts as big here, so two screens are enough to see the spread fetch.
    env = {**os.environ, "APPRECIATE_SPREAD_FROM": "1"}
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log", env=env).start()
    try:
        laptop = new_context(viewport={"width": 1280, "height": 900})
        facilitator = laptop.new_page()
        code = start_workshop(facilitator, server.url)
        phone = join_as_participant(new_context(viewport={"width": 360, "height": 740}),
                                    server.url, code)
        facilitator.goto(f"{server.url}/w/{code}/facilitate")
        advance(facilitator)
        advance(facilitator)
        expect(phone.locator("#phase-panel")).to_contain_text("Paired interview")
        expect(phone.locator("#my-pair-heading")).to_be_visible()
        expect(phone.locator("[data-spread]")).to_have_count(0)  # fetched and replaced
        phone.wait_for_timeout(3000)  # new cards are announced in a batch 2.5 s after a push
        assert "new contribution" not in phone.locator("#announcer").inner_text()
    finally:
        server.stop()
