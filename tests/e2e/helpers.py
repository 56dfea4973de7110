"""Browser helpers: the accessibility check and the steps every end-to-end test repeats."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-4.14.1.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page: Page, label: str) -> None:
    """Run axe-core with the WCAG 2.2 A and AA rules; any violation fails with its details.

    The page's context must be created with ``bypass_csp=True``: our Content-Security-Policy
    rightly forbids the inline script axe is injected as.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA)
    violations = [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [node["target"] for node in v["nodes"]][:5]}
        for v in result["violations"]
    ]
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
