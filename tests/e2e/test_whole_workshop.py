"""A whole workshop in real Chromium against `python app.py`: a facilitator and four
participants go from the interviews to the check-out, and the room ends with its commitments
on the projector. axe-core checks every new screen on the way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    advance,
    assert_accessible,
    fill_commitment,
    join_as_participant,
    open_projector,
    start_workshop,
)

pytestmark = pytest.mark.e2e

DREAMS = ["We know every new starter by name by the end of their first shift",
          "We thank each other at every handover, on days and on nights"]
STATEMENT = "We greet every new starter by name and show them where everything is"
IMPROVED = "We greet every new starter, bank colleague and student by name on their first shift"


def choose_activity(facilitator: Page, title: str) -> None:
    facilitator.locator("#controls").get_by_role("button", name=title).click()
    expect(facilitator.locator("#phase-panel .activity-title")).to_have_text(title)


def confirm(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def add_dot(phone: Page, text: str, expected_here: int) -> None:
    item = phone.locator("#my-votes .ballot-item", has_text=text)
    item.get_by_role("button", name="Add a dot").click()
    expect(item.locator(".my-dots strong")).to_have_text(str(expected_here))


def discover(facilitator: Page, phones: list[Page], projector: Page) -> None:
    """Interviews with a story shared with the room, cards, and two themes built by hand."""
    advance(facilitator)
    advance(facilitator)
    expect(facilitator.locator("#phase-panel")).to_contain_text("Paired interview")
    facilitator.locator("#form-pairs").click()
    for phone in phones:
        expect(phone.locator("#story-form")).to_be_visible()
    phones[0].get_by_label("Headline").fill("The porter stayed to help us move the ward")
    phones[0].get_by_label("Everyone in the room").check()
    phones[0].get_by_role("button", name="Save the story").click()
    expect(phones[0].locator("#my-panel .flash")).to_have_text("Story saved.")
    expect(projector.locator("#wall .story")).to_have_count(1)

    choose_activity(facilitator, "Share what you heard")
    cards = ["New starters always get a buddy", "Bank staff are welcomed like family",
             "Someone always says thank you at handover"]
    for phone, text in zip(phones[1:], cards, strict=True):
        phone.get_by_label("Your words").fill(text)
        phone.get_by_role("button", name="Share").click()
        expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")

    choose_activity(facilitator, "What helps us be at our best")
    board = facilitator.locator("#facilitator-panel")
    for name, texts in (("A real welcome", cards[:2]), ("Saying thank you", cards[2:])):
        for text in texts:
            board.locator("#ungrouped .board-item", has_text=text).locator(
                "input[type=checkbox]").check()
        facilitator.locator("#new-theme-name").fill(name)
        facilitator.get_by_role("button", name="Add theme").click()
        expect(board.locator(".theme-column h3", has_text=name)).to_be_visible()
    expect(projector.locator("#wall .core-theme")).to_have_count(2)


def dream(facilitator: Page, phones: list[Page], projector: Page) -> None:
    advance(facilitator)
    for page in (*phones, projector):
        expect(page.locator("#phase-panel")).to_contain_text("Phase 3 of 5: Dream")
    expect(phones[0].locator("#dream-form")).to_be_visible()
    assert_accessible(phones[0], "participant's dream form and ballot")
    for phone, text, theme in zip(phones[:2], DREAMS, ("A real welcome", "Saying thank you"),
                                  strict=True):
        phone.get_by_role("textbox", name="Your dream").fill(text)
        phone.get_by_label(theme).check()
        phone.get_by_role("button", name="Share my dream").click()
        expect(phone.locator("#my-panel .flash")).to_have_text("Your dream is on the wall.")
        expect(phone.get_by_role("textbox", name="Your dream")).to_have_value("")
    expect(projector.locator("#wall .card")).to_have_count(2)
    expect(projector.locator("#wall")).to_contain_text("Builds on: A real welcome")
    for phone in phones:
        expect(phone.locator("#my-votes .ballot-item")).to_have_count(2)
    # "Yours" shows only on the writer's own phone; the room counts dreams, not people
    expect(phones[0].locator("#my-votes .yours")).to_have_count(1)
    expect(phones[2].locator("#my-votes .yours")).to_have_count(0)
    expect(projector.locator("#counts")).to_contain_text("2 dreams shared in this activity")

    first, second = DREAMS
    add_dot(phones[0], first, 1)
    add_dot(phones[0], first, 2)  # two dots on one dream
    add_dot(phones[0], second, 1)
    expect(phones[0].locator("#dots-left strong")).to_have_text("0")
    phones[0].locator("#my-votes .ballot-item", has_text=second).get_by_role(
        "button", name="Add a dot").click()
    expect(phones[0].locator("#my-votes [role=alert]")).to_contain_text("used all 3 of your dots")
    for phone, text in ((phones[1], first), (phones[2], second)):
        add_dot(phone, text, 1)
    # by keyboard: the ballot is redrawn (twice: the answer, then the live nudge to refetch),
    # and focus comes back to the same button
    button = phones[3].locator("#my-votes .ballot-item", has_text=first).get_by_role(
        "button", name="Add a dot")
    button.focus()
    phones[3].keyboard.press("Enter")
    expect(phones[3].locator("#my-votes .ballot-item", has_text=first).locator(
        ".my-dots strong")).to_have_text("1")
    phones[3].wait_for_timeout(1500)
    expect(button).to_be_focused()
    assert_accessible(phones[0], "participant's ballot with a refused dot")
    expect(facilitator.locator("#vote-progress")).to_contain_text("4 of 4 people have placed")
    assert_accessible(facilitator, "facilitator's dreams panel")
    # Nothing shows a total before the reveal, not even the facilitator's screens.
    for page in (projector, facilitator, *phones):
        expect(page.locator(".tally")).to_have_count(0)
    assert_accessible(projector, "projector with dreams")

    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    results = projector.locator("#dream-results .result")
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text(first)
    expect(results.first.locator(".tally")).to_have_text("4 dots")
    expect(results.nth(1).locator(".tally")).to_have_text("2 dots")
    expect(phones[3].locator("#dream-results .result").first).to_contain_text("4 dots")
    expect(phones[3].locator("#my-votes")).to_contain_text("voting has closed")
    assert_accessible(projector, "projector with the dream results")
    assert_accessible(phones[3], "participant with the dream results")


def design(facilitator: Page, phones: list[Page], projector: Page) -> None:
    advance(facilitator)
    writer, improver = phones[2], phones[3]
    expect(writer.locator("#proposition-form")).to_be_visible()
    writer.get_by_label("Area").select_option(label="How we welcome new, bank and agency colleagues")
    statement = writer.get_by_label("Your statement")
    statement.fill("Every new starter will be greeted by name")
    expect(writer.locator("#proposition-hints")).to_contain_text("Try starting with “We…”")
    expect(writer.locator("#proposition-hints")).to_contain_text("as if it is already true")
    assert_accessible(writer, "proposition form with wording hints")
    statement.fill(STATEMENT)
    expect(writer.locator("#proposition-hints")).to_be_empty()
    writer.get_by_label("It builds on the theme").select_option(label="A real welcome")
    writer.get_by_role("button", name="Share the statement").click()
    expect(writer.locator("#my-panel .flash")).to_contain_text("Your statement is on the wall")
    expect(projector.locator("#wall .card")).to_contain_text(STATEMENT)

    item = improver.locator("#my-votes .ballot-item", has_text=STATEMENT)
    item.get_by_role("link", name="Improve").click()
    editor = improver.get_by_label("Your better wording")
    expect(editor).to_have_value(STATEMENT)
    editor.fill(IMPROVED)
    assert_accessible(improver, "proposition editor")
    improver.get_by_role("button", name="Save my improvement").click()
    expect(improver.locator("#my-panel .flash")).to_have_text(
        "Saved. Thank you for making it better.")
    expect(projector.locator("#wall .card")).to_contain_text(IMPROVED)
    expect(projector.locator("#wall .card")).to_contain_text("Improved 1 time")
    add_dot(writer, IMPROVED, 1)
    expect(facilitator.locator("#facilitator-panel")).to_contain_text("Earlier wordings (1)")
    assert_accessible(facilitator, "facilitator's design panel")
    assert_accessible(projector, "projector with statements")


def deliver(facilitator: Page, phones: list[Page], projector: Page) -> None:
    advance(facilitator)
    today = date.today()
    ana, anonymous, bo, fourth = phones
    expect(ana.locator("#commitment-form")).to_be_visible()
    assert_accessible(ana, "participant's commitment form")
    expect(ana.get_by_label("Who will do it")).to_have_value("Ana")
    fill_commitment(ana, "Learn the names of the two new porters",
                    "Ask the porters' lead for the rota")
    ana.get_by_label("The statement it helps make real").select_option(index=1)
    ana.get_by_role("button", name="Make my commitment").click()
    expect(ana.locator("#my-panel .flash")).to_have_text(
        "Thank you: your commitment is on the wall.")

    anonymous.get_by_label("A team action").check()
    fill_commitment(anonymous, "Make a welcome pack for the ward",
                    "Collect what new starters asked about", due_in_days=60,
                    first_step_in_days=20)
    anonymous.get_by_role("button", name="Make my commitment").click()
    expect(anonymous.locator("#my-panel [role=alert]")).to_contain_text("within a week")
    expect(anonymous.get_by_label("What will you do?")).to_have_value(
        "Make a welcome pack for the ward")  # nothing typed is lost
    assert_accessible(anonymous, "commitment form with a clear message")
    anonymous.get_by_label("First step by").fill((today + timedelta(days=5)).isoformat())
    anonymous.get_by_role("button", name="Make my commitment").click()
    expect(anonymous.locator("#my-panel .flash")).to_have_text(
        "Thank you: your commitment is on the wall.")

    bo.get_by_text("Start a new action team").click()
    bo.get_by_label("The team's name").fill("Welcome pack team")
    bo.get_by_role("button", name="Start the team").click()
    expect(bo.locator("#my-panel")).to_contain_text("You are in this team.")
    fourth.get_by_role("button", name="Join Welcome pack team").click()
    expect(fourth.locator("#my-panel")).to_contain_text("You are in this team.")
    expect(projector.locator("#wall .team-card")).to_contain_text("Welcome pack team: fewer than 3 people")

    review = today + timedelta(days=42)
    facilitator.get_by_label("When we meet again to review progress").fill(review.isoformat())
    facilitator.get_by_role("button", name="Set the date").click()
    expect(projector.locator("#wall .next-review")).to_contain_text(f"{review:%B %Y}")
    assert_accessible(facilitator, "facilitator's commitments panel")
    assert_accessible(bo, "participant's action teams")


def check_out(facilitator: Page, phones: list[Page], projector: Page) -> None:
    choose_activity(facilitator, "How you are leaving")
    expect(phones[0].locator("#pulse-form")).to_be_visible()
    assert_accessible(phones[0], "participant's check-out")
    for phone, answers, word in zip(phones[:3], ((5, 4, 5, 4), (4, 4, 4, 4), (3, 4, 5, 5)),
                                    ("Hopeful", "hopeful", "Ready"), strict=True):
        for number, value in enumerate(answers, start=1):
            phone.locator(f"#pulse-{number}-{value}").check()
        phone.get_by_label("One word for how you are leaving").fill(word)
        phone.get_by_role("button", name="Send my check-out").click()
        expect(phone.locator("#my-panel .flash")).to_contain_text("Your check-out is saved")
    expect(projector.locator("#wall .pulse-count")).to_have_text("3 people have checked out.")
    expect(projector.locator(".pulse-average")).to_have_count(0)
    assert_accessible(facilitator, "facilitator's check-out panel")
    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    expect(projector.locator(".pulse-average").first).to_have_text("On average 4.0 out of 5")
    expect(projector.locator("#wall .words")).to_contain_text("hopeful (2)")
    assert_accessible(projector, "projector with the check-out results")


def test_a_whole_workshop_ends_with_commitments_on_the_projector(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    projector = open_projector(laptop, server.url, code)
    phones = [join_as_participant(new_context(viewport={"width": 360, "height": 740},
                                              is_mobile=True, has_touch=True),
                                  server.url, code, name)
              for name in ("Ana", None, "Bo", None)]
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    expect(facilitator.locator("#connection")).to_have_text("Connected")

    discover(facilitator, phones, projector)
    dream(facilitator, phones, projector)
    design(facilitator, phones, projector)
    deliver(facilitator, phones, projector)
    check_out(facilitator, phones, projector)

    choose_activity(facilitator, "What I will do next")
    commitments = projector.locator("#wall .commitment")
    expect(commitments).to_have_count(2)
    expect(commitments.first).to_contain_text("Learn the names of the two new porters")
    expect(commitments.first).to_contain_text("Ana")
    expect(commitments.first).to_contain_text(IMPROVED)
    expect(commitments.nth(1)).to_contain_text("A team action")
    expect(commitments.nth(1)).not_to_contain_text("Who")  # no name was given
    expect(projector.locator("#wall .next-review")).to_be_visible()
    expect(projector.locator("#join-panel .code")).to_have_text(code)
    assert_accessible(projector, "projector with the commitments")
