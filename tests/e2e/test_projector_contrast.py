"""The projector's high-contrast theme: a real toggle button on the projector and on the
control page, remembered across reloads, on by itself when the system asks for more contrast
or forces colours, and passing axe's enhanced (AAA, 7:1) contrast rule in every phase."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    advance,
    assert_accessible,
    axe_violations,
    fill_commitment,
    join_as_participant,
    open_projector,
    start_workshop,
)

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "contrast"


def assert_aaa_contrast(page: Page, label: str) -> None:
    """Enhanced contrast (7:1), the AA rules, and no text smaller than 1.5rem (24px)."""
    violations = axe_violations(page, rules=["color-contrast-enhanced"])
    assert not violations, f"text below 7:1 contrast on {label}:\n" + json.dumps(violations, indent=2)
    assert_accessible(page, label)
    small = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden')
                && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
                && parseFloat(getComputedStyle(el).fontSize) < 24)
        .map(el => el.tagName + '.' + el.className + ' ' + getComputedStyle(el).fontSize)""")
    assert not small, f"text smaller than 1.5rem on {label}: {small}"


def toggle(page: Page) -> None:
    """Press the toggle as a keyboard user does: Tab to it, then Space."""
    button = page.get_by_role("button", name="High contrast")
    for _ in range(100):
        if button.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")


def assert_high_contrast(projector: Page, on: bool) -> None:
    expect(projector.get_by_role("button", name="High contrast")).to_have_attribute(
        "aria-pressed", "true" if on else "false")
    expect(projector.locator("body")).to_have_class(
        "view-projector contrast-high" if on else "view-projector")


def test_high_contrast_projector(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    projector = open_projector(laptop, server.url, code)
    button = projector.get_by_role("button", name="High contrast")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert button.evaluate("el => el.tagName") == "BUTTON"
    assert_high_contrast(projector, on=False)

    toggle(projector)
    assert_high_contrast(projector, on=True)
    expect(projector.locator("#join-panel")).to_have_css("background-color", "rgb(0, 0, 0)")
    expect(projector.locator("#join-panel")).to_have_css("border-top-width", "4px")
    assert_aaa_contrast(projector, "high-contrast projector in the lobby")
    projector.reload()
    assert_high_contrast(projector, on=True)  # remembered

    # from the control page: the projector window in the same browser follows at once
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    control_button = facilitator.get_by_role("button", name="High contrast")
    expect(control_button).to_have_attribute("aria-pressed", "true")
    toggle(facilitator)
    expect(control_button).to_have_attribute("aria-pressed", "false")
    assert_high_contrast(projector, on=False)
    toggle(facilitator)
    assert_high_contrast(projector, on=True)
    assert_accessible(facilitator, "control page with the projector display toggle")

    phone = join_as_participant(new_context(viewport={"width": 360, "height": 740}),
                                server.url, code, "Ana")
    advance(facilitator)
    phone.get_by_label("Your words").fill("Glad to be here, on a long day of handovers")
    phone.get_by_role("button", name="Share").click()
    expect(projector.locator("#wall .card")).to_have_count(1)
    facilitator.get_by_role("button", name="Start the timer").click()
    expect(projector.locator("#timer")).to_contain_text("Time left")
    assert_aaa_contrast(projector, "high-contrast projector in Define with a card and the timer")

    advance(facilitator)
    advance(facilitator)
    phone.get_by_role("textbox", name="Your dream").fill("We know every new starter by name")
    phone.get_by_role("button", name="Share my dream").click()
    expect(projector.locator("#wall .card")).to_have_count(1)
    assert_aaa_contrast(projector, "high-contrast projector with a dream")
    # Totals show only when at least 3 people voted: two colleagues join and vote too.
    voters = [phone] + [join_as_participant(new_context(viewport={"width": 360, "height": 740}),
                                            server.url, code) for _ in range(2)]
    for voter in voters:
        voter.locator("#my-votes").get_by_role("button", name="Add a dot").first.click()
        expect(voter.locator("#my-votes .my-dots strong").first).to_have_text("1")
    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.locator("#reveal-results").click()
    expect(projector.locator("#dream-results .result")).to_have_count(1)
    assert_aaa_contrast(projector, "high-contrast projector with the dream results")

    advance(facilitator)
    advance(facilitator)
    fill_commitment(phone, "Learn the names of the two new porters", "Ask for the rota")
    phone.get_by_role("button", name="Make my commitment").click()
    expect(projector.locator("#wall .commitment")).to_have_count(1)
    assert_aaa_contrast(projector, "high-contrast projector with a commitment")
    SHOTS.mkdir(parents=True, exist_ok=True)
    projector.screenshot(path=str(SHOTS / "projector-high-contrast.png"), full_page=True)

    # nothing on the high-contrast projector is smaller than 1.5rem (24px)


@pytest.mark.parametrize("system", [{"contrast": "more"}, {"forced_colors": "active"}],
                         ids=["prefers-contrast-more", "forced-colors"])
def test_high_contrast_follows_the_system_until_chosen(server, new_context, system) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900}, **system)
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{code}/projector")
    assert_high_contrast(projector, on=True)
    toggle(projector)  # the facilitator's own choice wins, and is remembered
    assert_high_contrast(projector, on=False)
    projector.reload()
    assert_high_contrast(projector, on=False)
