"""A live redraw never undoes what someone is in the middle of: cards ticked for a new theme
and a theme name half typed survive a push that redraws the whole board, while what was
just sent is cleared as usual."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_ticks_and_typing_survive_a_redraw(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    phone = join_as_participant(new_context(), server.url, code)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    advance(facilitator)
    advance(facilitator)
    controls = facilitator.locator("#controls")
    controls.get_by_role("button", name="Share what you heard").click()
    cards = ("New starters get a buddy", "Bank staff are welcomed", "We say thank you")
    for text in cards:
        phone.get_by_label("Your words").fill(text)
        phone.get_by_role("button", name="Share").click()
        expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")
    controls.get_by_role("button", name="What helps us be at our best").click()
    board = facilitator.locator("#facilitator-panel")
    expect(board.locator("#ungrouped .board-item")).to_have_count(3)

    # The facilitator ticks two cards and starts typing a name...
    for text in cards[:2]:
        board.locator("#ungrouped .board-item", has_text=text).locator("input[type=checkbox]").check()
    facilitator.locator("#new-theme-name").press_sequentially("A real wel")
    # ...when a co-facilitator's tab adds a theme, and the board is redrawn.
    other_tab = laptop.new_page()
    other_tab.goto(f"{server.url}/w/{code}/facilitate")
    other_tab.locator("#new-theme-name").fill("Saying thank you")
    other_tab.get_by_role("button", name="Add theme").click()
    expect(board.locator(".theme-column h3", has_text="Saying thank you")).to_be_visible()
    for text in cards[:2]:
        expect(board.locator("#ungrouped .board-item", has_text=text).locator(
            "input[type=checkbox]")).to_be_checked()
    expect(facilitator.locator("#new-theme-name")).to_have_value("A real wel")

    facilitator.locator("#new-theme-name").press_sequentially("come")
    facilitator.locator("#new-theme-name").press("Enter")
    expect(board.locator(".theme-column h3", has_text="A real welcome")).to_contain_text("(2)")
    # what was sent is not put back by the redraw that follows
    expect(facilitator.locator("#new-theme-name")).to_have_value("")
    expect(board.locator("#ungrouped input[type=checkbox]:checked")).to_have_count(0)
