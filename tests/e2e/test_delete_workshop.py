"""The facilitator deletes a workshop: every phone says so and keeps nothing of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import assert_accessible, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def test_deleting_a_workshop_clears_every_phone(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    phone = join_as_participant(new_context(), server.url, code)
    phone.get_by_label("Your words").fill("A draft that should not outlive the workshop")
    assert phone.evaluate(f"localStorage.getItem('appreciate:draft:{code}')")
    # A field's own draft (an interview's notes, say) is kept under the composer's key too.
    phone.evaluate(f"localStorage.setItem('appreciate:draft:{code}:notes', '\"Her story\"')")

    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    facilitator.get_by_role("link", name="Delete").click()
    expect(facilitator.get_by_role("heading", name="Delete this workshop")).to_be_visible()
    assert_accessible(facilitator, "the delete confirmation page")
    facilitator.get_by_label("Type the join code").fill("wrong")
    facilitator.get_by_role("button", name="Delete the workshop and everything in it").click()
    expect(facilitator.get_by_role("alert")).to_contain_text(f"type the join code {code}")
    assert_accessible(facilitator, "the delete page with its error")
    facilitator.get_by_label("Type the join code").fill(code.lower())
    facilitator.get_by_role("button", name="Delete the workshop and everything in it").click()
    expect(facilitator.get_by_role("heading", name="The workshop has been deleted")).to_be_visible()

    expect(phone.get_by_role("heading", name="This workshop has been deleted")).to_be_visible(
        timeout=20_000)
    expect(phone.locator("#connection")).to_have_text("This workshop has been deleted")
    assert_accessible(phone, "a phone after the workshop was deleted")
    assert phone.evaluate(f"localStorage.getItem('appreciate:draft:{code}')") is None
    assert phone.evaluate(f"localStorage.getItem('appreciate:outbox:{code}')") is None
    assert phone.evaluate(f"localStorage.getItem('appreciate:draft:{code}:notes')") is None
