"""Browser helpers: the accessibility check and the steps every end-to-end test repeats."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Page, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page (the WCAG 2.2 A and AA rules, or the given ``rules``) and
    return its violations, each with its rule, impact, help and first few targets.

    The page's context must be created with ``bypass_csp=True``: our Content-Security-Policy
    rightly forbids the inline script axe is injected as.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    run_only = ({"type": "rule", "values": rules} if rules
                else {"type": "tag", "values": WCAG_22_AA})
    result = page.evaluate(
        "runOnly => axe.run(document, {runOnly, resultTypes: ['violations']})", run_only)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [node["target"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page: Page, label: str) -> None:
    """axe-core with the WCAG 2.2 A and AA rules finds nothing; any violation fails with its
    details."""
    violations = axe_violations(page)
    assert not violations, f"axe found WCAG 2.2 AA violations on {label}:\n" + json.dumps(
        violations, indent=2)


def start_workshop(page: Page, base_url: str, title: str = "Ward 7 away morning") -> str:
    """Facilitator: home → start → Define → lobby. Returns the join code."""
    page.goto(base_url + "/")
    page.get_by_role("link", name="Start a workshop").click()
    page.get_by_label("Workshop title").fill(title)
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", name="Define: what this workshop is about")).to_be_visible()
    page.get_by_role("button", name="Save and show the join details").click()
    expect(page.get_by_role("heading", name="People join here")).to_be_visible()
    return page.locator(".join-code .code").first.inner_text().strip()


def join_as_participant(context: BrowserContext, base_url: str, code: str,
                        name: str | None = None) -> Page:
    """Participant: type the code on the home page, join (anonymous unless named)."""
    page = context.new_page()
    page.goto(base_url + "/")
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_role("button", name="Join", exact=True).click()
    if name:
        page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join the workshop").click()
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def advance(page: Page) -> None:
    """Facilitator presses the move-forward button, confirms, and sees the next phase."""
    current = page.locator("#controls .stepper li.current")
    before = current.inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#advance").click()
    expect(current).not_to_have_text(before)


def tab_to(page: Page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would.

    Fails if it is never reached (unreachable by keyboard, or a keyboard trap before it).
    """
    target = page.locator(selector)
    expect(target).to_have_count(1)
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} could not be reached with the Tab key")


def open_projector(laptop: BrowserContext, base_url: str, code: str) -> Page:
    """The projector as another tab of the facilitator's laptop, at a projector's size."""
    projector = laptop.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{base_url}/w/{code}/projector")
    return projector


def fill_commitment(page: Page, what: str, first_step: str, due_in_days: int = 30,
                    first_step_in_days: int = 2) -> None:
    """Fill in the phone's commitment form (the caller sends it)."""
    today = date.today()
    page.get_by_label("What will you do?").fill(what)
    page.get_by_label("By when").fill((today + timedelta(days=due_in_days)).isoformat())
    page.get_by_label("Your first step").fill(first_step)
    page.get_by_label("First step by").fill(
        (today + timedelta(days=first_step_in_days)).isoformat())
