"""axe-core's WCAG 2.2 A and AA rules find nothing on any page, in any state.

One tour takes a workshop from the start page to its deletion, with a facilitator, the
projector and two phones (one in Welsh, chosen with the language chooser), and audits every
page it passes, with the control page's folding panels open. Each page and state is then its
own test, so a failure names it: ``test_no_wcag_violations[phone: Dream, results shown]``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ..conftest import ServerProcess
from .helpers import advance, axe_violations, fill_commitment, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e

# The phases and activities the tour stops in, in order, with what is audited there.
LIVE_VIEWS = ("phone", "phone (Cymraeg)", "control page", "projector")
STATES = (
    "lobby", "Define", "Discover: pairs and the story form", "Discover: cards shared",
    "Discover: the theme board", "Dream, results hidden", "Dream, results from fewer than 3 voters",
    "Dream, results shown", "Design",
    "Deliver", "check-out", "check-out, results shown", "closed",
)
OTHER_PAGES = (
    "home", "home (Cymraeg)", "start", "accessibility statement", "404 page",
    "home with an unknown join code", "unknown short join link", "403 page (a phone on the control page)",
    "CSRF failure page", "define", "define with an error", "lobby (facilitator)", "join page",
    "phone (Cymraeg): Discover, asked about a quote", "phone: Design, improving a statement",
    "phone: Deliver, action teams",
    "report preview (full)", "report preview (public)", "delete page", "delete page with an error",
    "deleted-workshop page", "phone after the workshop was deleted", "join link of a deleted workshop",
)
LABELS = (*OTHER_PAGES, *(f"{view}: {state}" for state in STATES for view in LIVE_VIEWS))


class Tour:
    """Audits pages as the workshop goes on; remembers each label's violations."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict]] = {}
        self.stopped: str | None = None

    def audit(self, page: Page, label: str) -> None:
        assert label in LABELS, f"{label!r} is not in LABELS"
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        self.found[label] = axe_violations(page)

    def audit_live(self, pages: dict[str, Page], state: str) -> None:
        for view, page in pages.items():
            self.audit(page, f"{view}: {state}")


def confirm(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())


def choose_activity(facilitator: Page, title: str) -> None:
    facilitator.locator("#controls").get_by_role("button", name=title).click()
    expect(facilitator.locator("#phase-panel .activity-title")).to_have_text(title)


def in_welsh(page: Page) -> None:
    """Choose Cymraeg with the language chooser in the page's header."""
    page.locator("#language-choice").select_option("cy")
    page.locator(".language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")


def run_tour(tour: Tour, browser: Browser, url: str) -> None:
    def context(**options):
        return browser.new_context(bypass_csp=True, **options)

    laptop = context(viewport={"width": 1280, "height": 900})
    phone_size = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
    facilitator = laptop.new_page()
    facilitator.goto(url + "/")
    tour.audit(facilitator, "home")
    facilitator.goto(url + "/start")
    tour.audit(facilitator, "start")
    facilitator.goto(url + "/accessibility")
    tour.audit(facilitator, "accessibility statement")
    facilitator.goto(url + "/no-such-page")
    tour.audit(facilitator, "404 page")

    visitor = context(**phone_size).new_page()
    visitor.goto(url + "/")
    in_welsh(visitor)
    tour.audit(visitor, "home (Cymraeg)")
    visitor.context.clear_cookies()
    visitor.goto(url + "/")
    visitor.get_by_label("Join code").fill("ZZZZZZ")
    visitor.get_by_role("button", name="Join", exact=True).click()
    expect(visitor.locator("#code-error")).to_be_visible()
    tour.audit(visitor, "home with an unknown join code")
    visitor.goto(url + "/j/ZZZZZZ")
    tour.audit(visitor, "unknown short join link")
    visitor.goto(url + "/")
    visitor.locator("form:has(#code) input[name=csrf_token]").evaluate("field => { field.value = 'stale'; }")
    visitor.get_by_label("Join code").fill("ZZZZZZ")
    visitor.get_by_role("button", name="Join", exact=True).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Something in that request was not right")
    tour.audit(visitor, "CSRF failure page")

    code = start_workshop(facilitator, url)
    facilitator.goto(f"{url}/w/{code}/define")
    tour.audit(facilitator, "define")
    facilitator.get_by_label("Workshop title").fill("")
    facilitator.get_by_role("button", name="Save and show the join details").click()
    expect(facilitator.locator("#define-error")).to_be_visible()
    tour.audit(facilitator, "define with an error")
    facilitator.goto(f"{url}/w/{code}/lobby")
    tour.audit(facilitator, "lobby (facilitator)")

    projector = laptop.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{url}/w/{code}/projector")
    visitor.goto(f"{url}/w/{code}/join")
    tour.audit(visitor, "join page")
    ana = join_as_participant(context(**phone_size), url, code, "Ana")
    welsh = join_as_participant(context(**phone_size), url, code, "Bethan")
    in_welsh(welsh)
    expect(welsh.locator("#connection")).to_have_attribute("data-state", "connected")
    ana.goto(f"{url}/w/{code}/facilitate")
    tour.audit(ana, "403 page (a phone on the control page)")
    ana.goto(f"{url}/w/{code}/")
    expect(ana.locator("#connection")).to_have_text("Connected")
    facilitator.goto(f"{url}/w/{code}/facilitate")
    expect(facilitator.locator("#connection")).to_have_text("Connected")
    live = {"phone": ana, "phone (Cymraeg)": welsh, "control page": facilitator,
            "projector": projector}

    def settle(state: str, wait: Callable[[], None] | None = None) -> None:
        if wait:
            wait()
        for page in live.values():
            expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        tour.audit_live(live, state)

    settle("lobby")
    advance(facilitator)
    ana.get_by_label("Your words").fill("Glad to be here")
    ana.get_by_role("button", name="Share").click()
    settle("Define", lambda: expect(projector.locator("#wall .card")).to_have_count(1))

    advance(facilitator)
    facilitator.locator("#form-pairs").click()
    settle("Discover: pairs and the story form",
           lambda: expect(welsh.locator("#story-form")).to_be_visible())
    ana.get_by_label("Headline").fill("The porter stayed to help us move the ward")
    ana.get_by_label("A quote in their own words").fill("It made me feel I belonged")
    ana.get_by_label("Everyone in the room").check()
    ana.get_by_role("button", name="Save the story").click()
    expect(ana.locator("#my-panel .flash")).to_have_text("Story saved.")
    # the story is about Bethan, so her phone asks whether her words may be quoted
    expect(welsh.locator("#my-quotes .consent")).to_have_count(1)
    tour.audit(welsh, "phone (Cymraeg): Discover, asked about a quote")

    choose_activity(facilitator, "Share what you heard")
    for text in ("New starters always get a buddy", "Bank staff are welcomed like family",
                 "Someone always says thank you at handover"):
        ana.get_by_label("Your words").fill(text)
        ana.get_by_role("button", name="Share").click()
        expect(ana.locator("#composer-status")).to_have_text("Shared. Thank you.")
    settle("Discover: cards shared",
           lambda: expect(facilitator.locator("#facilitator-panel .card")).to_have_count(3))

    choose_activity(facilitator, "What helps us be at our best")
    board = facilitator.locator("#facilitator-panel")
    for text in ("New starters", "Bank staff"):
        board.locator("#ungrouped .board-item", has_text=text).locator("input[type=checkbox]").check()
    facilitator.locator("#new-theme-name").fill("A real welcome")
    facilitator.get_by_role("button", name="Add theme").click()
    settle("Discover: the theme board",
           lambda: expect(projector.locator("#wall .core-theme")).to_have_count(1))

    advance(facilitator)
    ana.get_by_role("textbox", name="Your dream").fill("We know every new starter by name")
    ana.get_by_role("button", name="Share my dream").click()
    expect(ana.locator("#my-panel .flash")).to_have_text("Your dream is on the wall.")
    ana.locator("#my-votes").get_by_role("button", name="Add a dot").first.click()
    expect(ana.locator("#my-votes .my-dots strong").first).to_have_text("1")
    settle("Dream, results hidden", lambda: expect(welsh.locator("#my-votes .ballot-item")).to_have_count(1))
    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    settle("Dream, results from fewer than 3 voters",
           lambda: expect(welsh.locator(".too-few")).to_be_visible())
    confirm(facilitator)
    facilitator.locator("#hide-results").click()
    # Totals show once 3 people have voted: two more colleagues join and vote.
    for _colleague in range(2):
        voter = join_as_participant(context(**phone_size), url, code)
        voter.locator("#my-votes").get_by_role("button", name="Add a dot").first.click()
        expect(voter.locator("#my-votes .my-dots strong").first).to_have_text("1")
    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    settle("Dream, results shown",
           lambda: expect(welsh.locator("#dream-results .result")).to_have_count(1))

    advance(facilitator)
    ana.get_by_label("Area").select_option(label="How we welcome new, bank and agency colleagues")
    ana.get_by_label("Your statement").fill("We greet every new starter by name")
    ana.get_by_role("button", name="Share the statement").click()
    expect(ana.locator("#my-panel .flash")).to_contain_text("Your statement is on the wall")
    settle("Design", lambda: expect(welsh.locator("#my-votes .ballot-item")).to_have_count(1))
    ana.locator("#my-votes").get_by_role("link", name="Improve").click()
    expect(ana.locator("#editor-text")).to_be_visible()
    tour.audit(ana, "phone: Design, improving a statement")

    advance(facilitator)
    today = date.today()
    fill_commitment(ana, "Learn the names of the two new porters", "Ask for the rota")
    ana.get_by_role("button", name="Make my commitment").click()
    expect(ana.locator("#my-panel .flash")).to_have_text("Thank you: your commitment is on the wall.")
    facilitator.get_by_label("When we meet again to review progress").fill(
        (today + timedelta(days=42)).isoformat())
    facilitator.get_by_role("button", name="Set the date").click()
    settle("Deliver", lambda: expect(projector.locator("#wall .next-review")).to_be_visible())
    ana.locator("details.start-team").evaluate("panel => { panel.open = true; }")
    ana.get_by_label("The team's name").fill("Welcome pack team")
    ana.get_by_role("button", name="Start the team").click()
    expect(ana.locator("#my-panel")).to_contain_text("You are in this team.")
    tour.audit(ana, "phone: Deliver, action teams")

    choose_activity(facilitator, "How you are leaving")
    settle("check-out", lambda: expect(welsh.locator("#pulse-form")).to_be_visible())
    for phone in (ana, welsh):
        for number in range(1, 5):
            phone.locator(f"#pulse-{number}-4").check()
        phone.locator("#pulse-word").fill("Hopeful")
        phone.locator("#pulse-form button[type=submit]").click()
        expect(phone.locator("#my-panel .saved-note")).to_be_visible()
    confirm(facilitator)
    facilitator.locator("#reveal-results").click()
    settle("check-out, results shown",
           lambda: expect(facilitator.locator("#hide-results")).to_be_visible())

    confirm(facilitator)
    facilitator.locator("#advance").click()
    settle("closed", lambda: expect(ana.locator("#phase-panel")).to_have_attribute("data-phase", "closed"))

    facilitator.goto(f"{url}/w/{code}/report")
    tour.audit(facilitator, "report preview (full)")
    facilitator.goto(f"{url}/w/{code}/report?audience=public")
    tour.audit(facilitator, "report preview (public)")
    facilitator.goto(f"{url}/w/{code}/delete")
    tour.audit(facilitator, "delete page")
    facilitator.get_by_role("button", name="Delete the workshop and everything in it").click()
    expect(facilitator.locator("#delete-error")).to_be_visible()
    tour.audit(facilitator, "delete page with an error")
    facilitator.get_by_label("Type the join code").fill(code)
    facilitator.get_by_role("button", name="Delete the workshop and everything in it").click()
    expect(facilitator.get_by_role("heading", name="The workshop has been deleted")).to_be_visible()
    tour.audit(facilitator, "deleted-workshop page")
    expect(ana.locator("#connection")).to_have_attribute("data-state", "ended")
    tour.audit(ana, "phone after the workshop was deleted")
    visitor.goto(f"{url}/j/{code}")
    tour.audit(visitor, "join link of a deleted workshop")


@pytest.fixture(scope="module")
def tour(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    """The whole tour, once for all the labelled tests; a failure part-way is reported on
    every page the tour never reached."""
    folder: Path = tmp_path_factory.mktemp("accessibility-tour")
    server = ServerProcess(folder / "data", folder / "server.log").start()
    tour = Tour()
    contexts_before = set(browser.contexts)
    try:
        run_tour(tour, browser, server.url)
    except Exception as exc:
        tour.stopped = f"{type(exc).__name__}: {exc}"
    finally:
        for context in set(browser.contexts) - contexts_before:
            context.close()
        server.stop()
    yield tour


@pytest.mark.parametrize("label", LABELS)
def test_no_wcag_violations(tour: Tour, label: str) -> None:
    assert label in tour.found, f"the tour never reached {label}: {tour.stopped}"
    violations = tour.found[label]
    assert not violations, f"axe found WCAG 2.2 AA violations on {label}:\n" + json.dumps(
        violations, indent=2)
