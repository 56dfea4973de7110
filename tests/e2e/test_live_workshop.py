"""A whole live round in real Chromium against `python app.py`: nothing is reloaded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import advance, assert_accessible, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_contribution_reaches_facilitator_and_projector_live(server, new_context) -> None:
    facilitator_context = new_context()
    facilitator = facilitator_context.new_page()
    facilitator.goto(server.url + "/")
    assert_accessible(facilitator, "home page")
    facilitator.get_by_role("link", name="Start a workshop").click()
    assert_accessible(facilitator, "start page")
    code = start_workshop(facilitator, server.url)
    assert_accessible(facilitator, "lobby")

    projector = facilitator_context.new_page()
    projector.goto(f"{server.url}/w/{code}/projector")
    expect(projector.locator("#connection")).to_have_text("Connected")
    expect(projector.locator("#join-panel .code")).to_have_text(code)
    assert_accessible(projector, "projector in the lobby")

    phone = new_context(viewport={"width": 360, "height": 740},
                                is_mobile=True, has_touch=True)
    participant = join_as_participant(phone, server.url, code)
    expect(participant.locator("#phase-panel")).to_contain_text("We will start soon")
    assert_accessible(participant, "participant page in the lobby")

    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    expect(facilitator.locator("#connection")).to_have_text("Connected")
    expect(facilitator.locator("#counts")).to_contain_text("fewer than 3 people have joined")
    assert_accessible(facilitator, "facilitator control page")

    advance(facilitator)
    for page in (participant, projector, facilitator):
        expect(page.locator("#phase-panel")).to_contain_text("Phase 1 of 5: Define")

    words = "Maria stayed after her shift so the new nurse wasn't alone <b>on nights</b>"
    participant.get_by_label("Your words").fill(words)
    participant.get_by_role("button", name="Share").click()
    expect(participant.locator("#composer-status")).to_have_text("Shared. Thank you.")
    expect(participant.get_by_label("Your words")).to_have_value("")
    for page, wall in ((facilitator, "#facilitator-panel"), (projector, "#wall"),
                       (participant, "#wall")):
        expect(page.locator(f"{wall} .card")).to_have_count(1)
        expect(page.locator(f"{wall} .card-body").first).to_have_text(words)
    assert_accessible(participant, "participant page in Define")
    assert_accessible(facilitator, "facilitator control page with a contribution")
    assert_accessible(projector, "projector with a contribution")

    facilitator.goto(f"{server.url}/w/NOPE00/facilitate")
    assert_accessible(facilitator, "error page")


def test_redraws_keep_open_sections_and_the_empty_wall_invites(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    first = join_as_participant(new_context(), server.url, code)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    expect(facilitator.locator("#connection")).to_have_text("Connected")
    advance(facilitator)

    invitation = first.locator("#wall .empty-note")
    expect(invitation).to_be_visible()
    first.get_by_label("Your words").fill("The porter who learnt everyone's name")
    first.get_by_role("button", name="Share").click()
    expect(first.locator("#wall .card")).to_have_count(1)
    expect(invitation).to_be_hidden()

    # The facilitator hides the card: the wall is empty again and invites once more.
    facilitator.locator("#facilitator-panel .card").get_by_role("button", name="Hide").click()
    expect(first.locator("#wall .card")).to_have_count(0)
    expect(invitation).to_be_visible()

    hidden = facilitator.locator("#facilitator-panel details.hidden-items")
    hidden.locator("summary").click()
    expect(hidden).to_have_attribute("open", "")
    # Someone else connects: the facilitator's panel is redrawn (a new element replaces it).
    hidden.evaluate("el => { el.dataset.before = 'yes'; }")
    join_as_participant(new_context(), server.url, code)
    expect(facilitator.locator("details.hidden-items[data-before]")).to_have_count(0)
    expect(hidden).to_have_attribute("open", "")
