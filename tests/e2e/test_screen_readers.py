"""What a screen reader gets: a heading outline, named landmarks and controls, and polite
announcements of new contributions, phase changes and timer milestones."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from .helpers import advance, assert_accessible, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e


def heading_levels(page: Page) -> list[int]:
    return page.evaluate(
        "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
        ".filter(h => h.offsetParent !== null || h.classList.contains('visually-hidden'))"
        ".map(h => Number(h.tagName[1]))")


def assert_clear_outline(page: Page, label: str) -> None:
    levels = heading_levels(page)
    assert levels and levels[0] == 1 and levels.count(1) == 1, f"{label}: {levels}"
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{label} skips a heading level: {levels}"


def test_outline_landmarks_and_announcements(server, new_context) -> None:
    facilitator = new_context().new_page()
    facilitator.goto(server.url + "/accessibility")
    assert_clear_outline(facilitator, "accessibility statement")
    assert_accessible(facilitator, "accessibility statement")
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    phone = new_context()
    participant = join_as_participant(phone, server.url, code)
    other = join_as_participant(new_context(), server.url, code)

    tree = participant.locator("body").aria_snapshot()
    for expected in ("link \"Skip to main content\"", "main", "status", "heading"):
        assert expected in tree, f"{expected} missing from the accessibility tree:\n{tree}"
    for page, label in ((participant, "participant"), (facilitator, "control page")):
        assert_clear_outline(page, label)

    advance(facilitator)
    expect(participant.locator("#announcer")).to_have_text(
        "Now: Define. How you are arriving")
    other.get_by_label("Your words").fill("Glad to be here")
    other.get_by_role("button", name="Share").click()
    expect(participant.locator("#announcer")).to_have_text("1 new contribution shared.")
    # announcements are batched: three cards in quick succession make one message
    for word in ("one", "two", "three"):
        other.get_by_label("Your words").fill(f"Card {word}")
        other.get_by_role("button", name="Share").click()
        expect(other.locator("#composer-status")).to_have_text("Shared. Thank you.")
    expect(participant.locator("#announcer")).to_have_text("3 new contributions shared.")


def test_timer_milestone_is_announced(server, new_context) -> None:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    participant = join_as_participant(new_context(), server.url, code)
    advance(facilitator)
    facilitator.get_by_role("button", name="Start the timer").click()
    expect(participant.locator("#timer")).to_contain_text("Time left")
    # Move the clock on: the timer started long enough ago that 62 seconds are left.
    with sqlite3.connect(server.data_dir / "appreciate.sqlite3") as db:
        total = db.execute("select timer_seconds from activity_states").fetchone()[0]
        started = datetime.now(UTC) - timedelta(seconds=total - 62)
        db.execute("update activity_states set timer_started_at = ?",
                   (started.strftime("%Y-%m-%d %H:%M:%S.%f"),))
    participant.reload()
    expect(participant.locator("#announcer")).to_have_text("One minute left.", timeout=20_000)
