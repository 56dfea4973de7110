"""Discover in real Chromium: a facilitator and four participants pair up, capture stories,
and the facilitator builds two themes with the keyboard alone; the projector shows them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import advance, assert_accessible, join_as_participant, start_workshop, tab_to

pytestmark = pytest.mark.e2e


def choose_activity(facilitator: Page, title: str) -> None:
    facilitator.locator("#controls").get_by_role("button", name=title).click()
    expect(facilitator.locator("#phase-panel .activity-title")).to_have_text(title)


def test_pairs_stories_and_keyboard_themes(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{code}/projector")
    phones = [join_as_participant(new_context(viewport={"width": 360, "height": 740}),
                                  server.url, code, name)
              for name in ("Ana", None, "Bo", None)]
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    advance(facilitator)
    advance(facilitator)
    for page in (*phones, projector):
        expect(page.locator("#phase-panel")).to_contain_text("Paired interview")

    facilitator.locator("#form-pairs").click()
    expect(facilitator.locator("#facilitator-panel .pair-list li")).to_have_count(2)
    assert_accessible(facilitator, "facilitator's pairs panel")
    for phone in phones:
        expect(phone.locator("#my-panel .pair-badge")).to_contain_text("Table 1")
        expect(phone.locator("#story-form")).to_be_visible()
    assert_accessible(phones[0], "participant's interview panel")

    headlines = ["Porters stayed late to help us move the ward",
                 "Matron thanked each of us by name after the inspection"]
    for phone, headline in zip(phones[:2], headlines, strict=True):
        phone.get_by_label("Headline").fill(headline)
        phone.get_by_label("What we value").fill("Being noticed")
        phone.get_by_label("A quote in their own words").fill("It made me feel I belonged")
        phone.get_by_label("Everyone in the room").check()
        phone.get_by_role("button", name="Save the story").click()
        expect(phone.locator("#my-panel .flash")).to_have_text("Story saved.")
    # each teller sees the quote request on their own phone and agrees
    for _ in range(150):
        tellers = [p for p in phones if p.locator("#my-quotes .consent").count()]
        if sum(p.locator("#my-quotes .consent").count() for p in tellers) == 2:
            break
        phones[0].wait_for_timeout(100)
    assert sum(p.locator("#my-quotes .consent").count() for p in tellers) == 2, (
        "each of the two tellers should have been asked about their quote")
    assert_accessible(tellers[0], "quote consent request")
    for teller in tellers:
        for _ in range(teller.locator("#my-quotes .consent").count()):
            teller.get_by_role("button", name="Yes, use my words").first.click()
            teller.wait_for_timeout(300)
    for page in (projector, phones[3]):
        expect(page.locator("#wall .story")).to_have_count(2)
        expect(page.locator("#wall")).to_contain_text("It made me feel I belonged")

    choose_activity(facilitator, "Share what you heard")
    cards = ["New starters always get a buddy on their first shift",
             "Bank staff are welcomed like part of the family",
             "Someone always says thank you at handover"]
    for phone, text in zip(phones[1:], cards, strict=True):
        phone.get_by_label("Your words").fill(text)
        phone.get_by_role("button", name="Share").click()
        expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")
    expect(facilitator.locator("#facilitator-panel .card")).to_have_count(3)

    choose_activity(facilitator, "What helps us be at our best")
    board = facilitator.locator("#facilitator-panel")
    expect(board.locator("#ungrouped .board-item")).to_have_count(5)
    assert_accessible(facilitator, "theme board")

    # Theme one, keyboard only: tick two cards, name the theme, press Enter.
    for text in cards[:2]:
        item_id = board.locator(".board-item", has_text=text).get_attribute("id")
        tab_to(facilitator, f"#{item_id} input[type=checkbox]")
        facilitator.keyboard.press("Space")
    tab_to(facilitator, "#new-theme-name")
    facilitator.keyboard.type("Welcome and belonging")
    facilitator.keyboard.press("Enter")
    expect(board.locator(".theme-column h3").first).to_contain_text("Welcome and belonging (2)")

    # Theme two, keyboard only: create it empty, then move a card with its "Move to" menu.
    tab_to(facilitator, "#new-theme-name")
    facilitator.keyboard.type("Thanks and recognition")
    facilitator.keyboard.press("Enter")
    expect(board.locator(".theme-column:not(.ungrouped)")).to_have_count(2)
    for text in (cards[2], headlines[1]):
        item_id = board.locator("#ungrouped .board-item", has_text=text).get_attribute("id")
        select = f"#{item_id} select"
        tab_to(facilitator, select)
        facilitator.keyboard.press("ArrowDown")
        facilitator.keyboard.press("ArrowDown")
        expect(facilitator.locator(select)).to_have_value(
            board.locator(".theme-column[data-theme]:not(.ungrouped)").nth(1)
            .get_attribute("data-theme"))
        facilitator.keyboard.press("Tab")
        facilitator.keyboard.press("Enter")
        expect(board.locator("#ungrouped")).not_to_contain_text(text)
    expect(board.locator(".theme-column h3").nth(1)).to_contain_text("Thanks and recognition (2)")

    for page in (projector, phones[0]):
        expect(page.locator("#wall .core-theme")).to_have_count(2)
        expect(page.locator("#wall")).to_contain_text("Welcome and belonging")
        expect(page.locator("#wall")).to_contain_text("Someone always says thank you at handover")
    assert_accessible(projector, "projector with the positive core")
    assert_accessible(phones[0], "participant's positive-core map")
