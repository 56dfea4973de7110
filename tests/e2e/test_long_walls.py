"""A long wall in real Chromium against `python app.py`: a phone is sent the latest cards and a
link to them all, while the projector, which hears the same room, keeps every card and never
shows the phones' shorter wall."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from facilitation.live.fragments import PHONE_SHOWS

from ..phones import join as join_phone
from .helpers import advance, assert_accessible, join_as_participant, open_projector, start_workshop

pytestmark = pytest.mark.e2e

CARDS = PHONE_SHOWS + 2

# Set on the projector before the room changes: notes whether its wall was ever a phone's.
WATCH_THE_WALL = """() => {
  window.phoneWallSeen = false;
  new MutationObserver(() => {
    const wall = document.getElementById("wall");
    if (wall && wall.dataset.for === "phones") { window.phoneWallSeen = true; }
  }).observe(document.body, { childList: true, subtree: true, attributes: true });
}"""


def test_a_phone_holds_the_latest_cards_and_the_projector_all_of_them(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    phone = join_as_participant(new_context(viewport={"width": 360, "height": 740},
                                            is_mobile=True, has_touch=True), server.url, code)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    advance(facilitator)
    projector = open_projector(laptop, server.url, code)
    expect(projector.locator("#connection")).to_have_text("Connected")
    projector.evaluate(WATCH_THE_WALL)

    others = [join_phone(server.url, code) for _ in range(CARDS)]
    try:
        for number, other in enumerate(others):
            other.connect(server.url)
            assert other.contribute("arrival-hopes", f"Card number {number:02d}",
                                    f"long-wall-{number:04d}")["ok"]
        expect(projector.locator("#wall .card")).to_have_count(CARDS)
        expect(phone.locator("#wall .card")).to_have_count(CARDS)  # each arrived on its own

        # Hiding one redraws every wall: the phone's from the room's push, the projector's
        # from its own.
        facilitator.get_by_role("button", name=re.compile(r"^Hide")).first.click()
        expect(projector.locator("#wall .card")).to_have_count(CARDS - 1)
        expect(phone.locator("#wall .card")).to_have_count(PHONE_SHOWS)
        expect(phone.locator("#wall .card").last).to_have_text(f"Card number {CARDS - 1:02d}")
        expect(phone.locator("#wall")).to_contain_text(
            f"The latest {PHONE_SHOWS} of {CARDS - 1}.")
        expect(phone.locator("#wall .empty-note")).to_be_hidden()
        phone.wait_for_timeout(1000)  # any later push has arrived
        expect(projector.locator("#wall .card")).to_have_count(CARDS - 1)
        assert projector.evaluate("window.phoneWallSeen") is False

        phone.get_by_role("link", name="See them all").click()
        expect(phone.locator("#wall .card")).to_have_count(CARDS - 1)
        assert_accessible(phone, "the page with every card on the wall")
        phone.get_by_role("link", name="Back to the workshop").click()
        expect(phone.locator("#connection")).to_have_text("Connected")
        expect(phone.locator("#wall .card")).to_have_count(PHONE_SHOWS)
    finally:
        for other in others:
            other.close()
