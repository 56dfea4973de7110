"""A projector made for a room: in every state the room's live content is on the screen at
1920×1080 and at 1280×720 (a common hospital projector) without scrolling, in type the back
row can read, with the join code small in a corner once people have joined and large only
while the facilitator shows it. Measured as a person sees it: bounding boxes against the
viewport, computed font sizes, and axe."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import advance, assert_accessible, join_as_participant, open_projector, start_workshop

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "projector"
SIZES = ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720})
BODY_TEXT_AT_1080P = 28  # px: readable from the back of a room

# Everything a person can see on the page: boxes of the selectors asked for (each match),
# how far the page scrolls, and the smallest font of any visible text in the room's content.
MEASURE = """selectors => {
    const box = el => { const r = el.getBoundingClientRect();
        return {top: r.top, left: r.left, bottom: r.bottom, right: r.right,
                width: r.width, height: r.height}; };
    const shown = el => el.offsetParent !== null || getComputedStyle(el).position === 'fixed';
    const boxes = {};
    for (const s of selectors) {
        boxes[s] = [...document.querySelectorAll(s)].filter(shown).map(box);
    }
    const texts = [...document.querySelectorAll('main *')]
        .filter(el => shown(el) && !el.closest('.visually-hidden, .projector-tools, [hidden]')
                && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(el => ({what: el.tagName + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '"',
                     size: parseFloat(getComputedStyle(el).fontSize)}));
    return {width: innerWidth, height: innerHeight, boxes, texts,
            scroll: document.scrollingElement.scrollHeight};
}"""


def measure(page: Page, *selectors: str) -> dict:
    return page.evaluate(MEASURE, list(selectors))


def assert_fits(projector: Page, label: str, must_show: list[str],
                every: tuple[str, ...] = ()) -> dict[str, dict]:
    """At both sizes: the page does not scroll, the first match of each of ``must_show`` and
    every match of ``every`` lies wholly inside the viewport, and at 1080p no visible text is
    under 28px. Returns the measurements, by size, for the caller's own checks."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    seen: dict[str, dict] = {}
    for size in SIZES:
        projector.set_viewport_size(size)
        projector.wait_for_timeout(300)  # let the wall fit itself to the new size
        m = measure(projector, *must_show, *every)
        name = f"{size['width']}x{size['height']}"
        projector.screenshot(path=str(SHOTS / f"{label.replace(' ', '-')}-{name}.png"))
        seen[name] = m
        assert m["scroll"] <= m["height"], f"{label} at {name} scrolls: {m['scroll']}px tall"
        for selector in (*must_show, *every):
            boxes = m["boxes"][selector]
            assert boxes, f"{label} at {name}: nothing visible matches {selector}"
            for b in boxes if selector in every else boxes[:1]:
                assert (b["top"] >= 0 and b["left"] >= 0 and b["bottom"] <= m["height"] + 0.5
                        and b["right"] <= m["width"] + 0.5), (
                    f"{label} at {name}: {selector} is outside the screen: {b}")
        if size["height"] == 1080:
            small = [t for t in m["texts"] if t["size"] < BODY_TEXT_AT_1080P]
            assert not small, f"{label} at 1080p has text under {BODY_TEXT_AT_1080P}px: {small}"
    projector.set_viewport_size(SIZES[0])
    assert_accessible(projector, f"projector: {label}")
    return seen


def assert_join_small_in_a_corner(projector: Page, label: str) -> None:
    for size in SIZES:
        projector.set_viewport_size(size)
        m = measure(projector, "#join-panel", "#join-panel .code", "#join-panel .qr")
        panel = m["boxes"]["#join-panel"][0]
        assert panel["width"] <= 0.2 * m["width"] and panel["height"] <= 0.45 * m["height"], (
            f"{label}: the join panel is not small at {size}: {panel}")
        assert m["width"] - panel["right"] <= 0.05 * m["width"], f"{label}: not at the right: {panel}"
        assert (panel["top"] <= 0.05 * m["height"]
                or m["height"] - panel["bottom"] <= 0.05 * m["height"]), (
            f"{label}: the join panel is not in a corner at {size}: {panel}")
        for part in ("#join-panel .code", "#join-panel .qr"):
            assert m["boxes"][part], f"{label}: {part} is not shown"
    projector.set_viewport_size(SIZES[0])


def assert_join_large(projector: Page, label: str) -> None:
    for size in SIZES:
        projector.set_viewport_size(size)
        m = measure(projector, "#join-panel", "#join-panel .code", "#join-panel .qr")
        qr = m["boxes"]["#join-panel .qr"][0]
        assert qr["height"] >= 0.4 * m["height"], f"{label}: the QR code is not large: {qr}"
        for part in ("#join-panel .code", "#join-panel .qr"):
            b = m["boxes"][part][0]
            assert b["top"] >= 0 and b["bottom"] <= m["height"], f"{label}: {part} off screen: {b}"
        assert m["scroll"] <= m["height"], f"{label} scrolls at {size}"
    projector.set_viewport_size(SIZES[0])


def confirm(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def share(phone: Page, text: str) -> None:
    phone.get_by_label("Your words").fill(text)
    phone.get_by_role("button", name="Share").click()
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")


def choose_activity(facilitator: Page, title: str) -> None:
    facilitator.locator("#controls").get_by_role("button", name=title).click()
    expect(facilitator.locator("#phase-panel .activity-title")).to_have_text(title)


CARDS = ["Our handovers are calm, even on the busiest nights",
         "New starters always get a buddy for their first fortnight",
         "Someone always says thank you at the end of a shift",
         "The porters know us all by name",
         "We cover for each other when a child is ill at home",
         "Bank staff are welcomed like family, every single time",
         "The ward sister makes tea for the night shift",
         "We celebrate every discharge home",
         "Students are trusted with real work and real thanks",
         "We ask the families what matters to them, and we listen",
         "Nobody eats lunch alone at the nurses' station",
         "The newest card: we laugh together, even on hard days"]


def test_every_state_fits_the_projector(server, new_context) -> None:
    laptop: BrowserContext = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    projector = open_projector(laptop, server.url, code)
    expect(projector.locator("#connection")).to_have_text("Connected")

    # The lobby: the join details large, with the topic beside them.
    assert_fits(projector, "lobby", ["#phase-heading", "#join-panel .code", "#join-panel .qr",
                                     ".agreements"])
    assert_join_large(projector, "lobby")

    phones = [join_as_participant(new_context(viewport={"width": 360, "height": 740}),
                                  server.url, code) for _ in range(3)]
    expect(projector.locator("#counts")).to_contain_text("3 people have joined")

    # Define with 12 cards: the newest is on the screen, and the join code is small.
    advance(facilitator)
    for number, text in enumerate(CARDS):
        share(phones[number % 3], text)
    expect(projector.locator("#wall .card")).to_have_count(12)
    seen = assert_fits(projector, "define with 12 cards",
                       ["#phase-heading", ".activity-title", ".prompt", "#wall-heading",
                        "#wall .card:last-child", "#join-panel .code"],
                       every=("#wall .card",))
    for m in seen.values():
        shown = len(m["boxes"]["#wall .card"])
        if shown < 12:  # the rest are counted, not lost
            note = projector.locator("#wall .fit-more")
            expect(note).to_be_visible()
            expect(note).to_contain_text(str(12 - shown))
    # The room's agreements, in full in the lobby, are folded to one line in Define.
    for size in SIZES:
        projector.set_viewport_size(size)
        m = measure(projector, ".agreements", ".agreements h3")
        folded, heading = m["boxes"][".agreements"][0], m["boxes"][".agreements h3"][0]
        assert folded["height"] <= 1.6 * heading["height"], f"agreements not one line: {folded}"
    projector.set_viewport_size(SIZES[0])
    assert_join_small_in_a_corner(projector, "define")

    # The facilitator shows the join details large again for a latecomer, then hides them.
    show = facilitator.get_by_role("button", name="Show the join code large")
    expect(show).to_have_attribute("aria-pressed", "false")
    show.click()
    expect(show).to_have_attribute("aria-pressed", "true")
    assert_join_large(projector, "join details shown large in define")
    assert_accessible(projector, "projector with the join details shown large")
    show.click()
    expect(show).to_have_attribute("aria-pressed", "false")
    assert_join_small_in_a_corner(projector, "define, join details put away")

    # The spotlight fills the screen.
    facilitator.locator("#facilitator-panel .card", has_text=CARDS[3]).get_by_role(
        "button", name="Spotlight").click()
    expect(projector.locator("#spotlight")).to_contain_text(CARDS[3])
    seen = assert_fits(projector, "spotlight", ["#spotlight .spotlight-text"])
    for m in seen.values():
        spot = m["boxes"]["#spotlight .spotlight-text"][0]
        assert spot["width"] >= 0.6 * m["width"], f"the spotlight is not full-screen: {spot}"
    facilitator.get_by_role("button", name="Clear the spotlight").click()
    expect(projector.locator("#spotlight")).to_be_hidden()

    # Discover: three cards grouped into two themes, the positive core on the screen.
    advance(facilitator)
    choose_activity(facilitator, "Share what you heard")
    heard = ["New starters always get a buddy", "Bank staff are welcomed like family",
             "Someone always says thank you at handover"]
    for phone, text in zip(phones, heard, strict=True):
        share(phone, text)
    choose_activity(facilitator, "What helps us be at our best")
    board = facilitator.locator("#facilitator-panel")
    for name, texts in (("A real welcome", heard[:2]), ("Saying thank you", heard[2:])):
        for text in texts:
            board.locator("#ungrouped .board-item", has_text=text).locator(
                "input[type=checkbox]").check()
        facilitator.locator("#new-theme-name").fill(name)
        facilitator.get_by_role("button", name="Add theme").click()
        expect(board.locator(".theme-column h3", has_text=name)).to_be_visible()
    expect(projector.locator("#wall .core-theme")).to_have_count(2)
    assert_fits(projector, "positive core", ["#wall-heading"], every=("#wall .core-theme",))

    # Dream: three dreams, three voters, the results revealed.
    advance(facilitator)
    dreams = ["We know every new starter by name by the end of their first shift",
              "We thank each other at every handover, on days and on nights",
              "Every family leaves knowing who looked after them"]
    for phone, text in zip(phones, dreams, strict=True):
        phone.get_by_role("textbox", name="Your dream").fill(text)
        phone.get_by_role("button", name="Share my dream").click()
        expect(phone.locator("#my-panel .flash")).to_have_text("Your dream is on the wall.")
    for phone in phones:
        expect(phone.locator("#my-votes .ballot-item")).to_have_count(3)
        for text in dreams[:2]:
            item = phone.locator("#my-votes .ballot-item", has_text=text)
            item.get_by_role("button", name="Add a dot").click()
            expect(item.locator(".my-dots strong")).to_have_text("1")
    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    expect(projector.locator("#dream-results .result")).to_have_count(3)
    assert_fits(projector, "dream results", ["#dream-results"],
                every=("#dream-results .result",))

    # Deliver's check-out: three answers, the results revealed.
    advance(facilitator)
    advance(facilitator)
    choose_activity(facilitator, "How you are leaving")
    for phone, answers, word in zip(phones, ((5, 4, 5, 4), (4, 4, 4, 4), (3, 4, 5, 5)),
                                    ("Hopeful", "hopeful", "Ready"), strict=True):
        for number, value in enumerate(answers, start=1):
            phone.locator(f"#pulse-{number}-{value}").check()
        phone.get_by_label("One word for how you are leaving").fill(word)
        phone.get_by_role("button", name="Send my check-out").click()
        expect(phone.locator("#my-panel .flash")).to_contain_text("Your check-out is saved")
    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    expect(projector.locator(".pulse-average")).to_have_count(4)
    assert_fits(projector, "check-out results", ["#wall .words"],
                every=("#wall .pulse-question",))
    assert_join_small_in_a_corner(projector, "check-out")
