"""A room seated at tables, in real Chromium against `python app.py`: each phone sees its own
table's cards, the projector the whole room's tally, and every page stays accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from facilitation.services.seating import TABLE_SIZE

from .helpers import advance, assert_accessible, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_tables_keep_each_phone_to_its_table_and_the_projector_to_the_room(
        server, new_context) -> None:
    facilitator_context = new_context()
    facilitator = facilitator_context.new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    facilitator.get_by_label(f"Tables of about {TABLE_SIZE}").check()
    facilitator.get_by_role("button", name="Save seating").click()
    expect(facilitator.get_by_label(f"Tables of about {TABLE_SIZE}")).to_be_checked()
    assert_accessible(facilitator, "control page with the seating choice")

    projector = facilitator_context.new_page()
    projector.goto(f"{server.url}/w/{code}/projector")
    expect(projector.locator("#connection")).to_have_text("Connected")

    phones = [join_as_participant(new_context(viewport={"width": 360, "height": 740},
                                              is_mobile=True, has_touch=True),
                                  server.url, code)
              for _ in range(TABLE_SIZE + 1)]
    first, neighbour, next_table = phones[0], phones[1], phones[TABLE_SIZE]
    expect(first.locator("#table-note")).to_contain_text("You are at table 1")
    expect(next_table.locator("#table-note")).to_contain_text("You are at table 2")

    advance(facilitator)
    for page in (first, next_table, projector):
        expect(page.locator("#phase-panel")).to_contain_text("Phase 1 of 5: Define")

    first.get_by_label("Your words").fill("Our table's best day")
    first.get_by_role("button", name="Share").click()
    expect(first.locator("#composer-status")).to_have_text("Shared. Thank you.")
    expect(neighbour.locator("#wall .card")).to_have_text(["Our table's best day"])
    expect(projector.locator("#wall .card")).to_have_text(["Our table's best day"])
    expect(projector.locator("#wall")).to_contain_text("1 card from 2 tables")
    expect(next_table.locator("#counts")).to_contain_text("1 contribution shared")
    expect(next_table.locator("#wall .card")).to_have_count(0)
    assert_accessible(first, "participant page at a table")
    assert_accessible(projector, "projector showing the plenary")
