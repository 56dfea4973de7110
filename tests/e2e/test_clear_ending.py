"""Closing the workshop ends it on every screen at once: the phones thank people and show
what the group decided with nothing left to write in, the projector shows the outcomes in
place of the join code, and the control page leads to the report and its downloads."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import assert_accessible
from tests.reliability import people

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def open_as(new_context: Callable[..., BrowserContext], base: str, session: requests.Session,
            path: str, **options: object) -> Page:
    context = new_context(**options)
    context.add_cookies([{"name": c.name, "value": c.value, "url": base}
                         for c in session.cookies])
    page = context.new_page()
    page.goto(base + path)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def move(base: str, code: str, facilitator: requests.Session, direction: str = "forward") -> None:
    token = people.csrf(facilitator, f"{base}/w/{code}/facilitate")
    moved = facilitator.post(f"{base}/w/{code}/move", data={
        "direction": direction, "csrf_token": token}, allow_redirects=False, timeout=10)
    assert moved.status_code == 302, moved.text


def commit(base: str, code: str, phone: requests.Session, what: str) -> None:
    today = date.today()
    token = people.csrf(phone, f"{base}/w/{code}/")
    made = phone.post(f"{base}/w/{code}/commitments", data={
        "csrf_token": token, "client_id": f"ending-{abs(hash(what))}", "kind": "personal",
        "what": what, "due_date": (today + timedelta(days=30)).isoformat(),
        "first_step": "Ask the ward manager", "first_step_due": (today + timedelta(days=2)).isoformat(),
    }, allow_redirects=False, timeout=10)
    assert made.status_code in (200, 302), made.text


def test_closing_ends_the_workshop_on_every_screen(server, new_context) -> None:
    facilitator, code = people.start_workshop(server.url)
    phone = people.join(server.url, code)
    try:
        for _ in range(4):  # define → discover → dream → design → deliver
            move(server.url, code, facilitator)
        commit(server.url, code, phone, "Thank one colleague by name every shift")
        ana = open_as(new_context, server.url, phone, f"/w/{code}/", viewport=PHONE)
        projector = open_as(new_context, server.url, facilitator, f"/w/{code}/projector",
                            viewport={"width": 1920, "height": 1080})
        control = open_as(new_context, server.url, facilitator, f"/w/{code}/facilitate")
        expect(ana.locator("#composer-section, #commitment-form").first).to_be_visible()
        expect(projector.locator("#join-panel")).to_be_visible()
        expect(ana.locator("#closed")).to_be_hidden()

        control.once("dialog", lambda dialog: dialog.accept())
        control.get_by_role("button", name="End the workshop").click()

        # the phone: thanks, what we decided, and nowhere left to write
        closed = ana.locator("#closed")
        expect(closed).to_be_visible()
        expect(closed.get_by_role("heading", name="Thank you")).to_be_visible()
        expect(closed).to_contain_text("Thank one colleague by name every shift")
        expect(ana.locator("#composer-section")).to_be_hidden()
        expect(ana.locator("textarea:visible")).to_have_count(0)
        box = closed.bounding_box()
        assert box is not None and box["y"] < PHONE["height"], box  # on the first screen

        # the projector: the outcomes, not the join code
        expect(projector.locator("#closed")).to_contain_text(
            "Thank one colleague by name every shift")
        expect(projector.locator("#join-panel")).to_be_hidden()
        expect(projector.locator(".qr:visible")).to_have_count(0)
        # ...where the room looks: in the screen, in the wall's place, readable on its ground
        outcomes = projector.locator("#closed li").first.bounding_box()
        assert outcomes is not None and outcomes["y"] + outcomes["height"] <= 1080, outcomes
        assert projector.evaluate("document.scrollingElement.scrollHeight") <= 1080
        expect(projector.locator("#wall")).to_be_hidden()
        ink, ground = projector.locator("#closed").evaluate(
            """el => { const c = getComputedStyle(el); let g = el, bg;
                       do { bg = getComputedStyle(g).backgroundColor; g = g.parentElement; }
                       while (g && bg === 'rgba(0, 0, 0, 0)');
                       return [c.color, bg]; }""")
        assert ink != ground, (ink, ground)

        # the control page: the report first, the downloads, and still a way back
        expect(control.get_by_role("heading", name="Waiting to start")).to_have_count(0)
        report = control.get_by_role("link", name="Read the report")
        expect(report).to_be_visible()
        expect(control.locator("#facilitator-panel .downloads a")).to_have_count(5)
        expect(control.get_by_role("button", name="Back one phase")).to_be_visible()
        for label, page in (("phone", ana), ("projector", projector), ("control page", control)):
            assert_accessible(page, f"{label}, closed")
        report.click()
        expect(control).to_have_url(f"{server.url}/w/{code}/report")
        expect(control.locator("main")).to_contain_text("Thank one colleague by name every shift")

        # going back opens the room again, live
        move(server.url, code, facilitator, "back")
        expect(ana.locator("#closed")).to_be_hidden()
        expect(projector.locator("#join-panel")).to_be_visible()
    finally:
        facilitator.close()
        phone.close()


def test_a_phone_opened_after_closing_shows_the_outcomes(server, new_context) -> None:
    facilitator, code = people.start_workshop(server.url)
    phone = people.join(server.url, code)
    try:
        for _ in range(5):
            move(server.url, code, facilitator)
        ana = open_as(new_context, server.url, phone, f"/w/{code}/", viewport=PHONE)
        expect(ana.locator("#closed")).to_be_visible()
        expect(ana.locator("#closed")).to_contain_text("share the report")
        expect(ana.locator("#composer-section")).to_be_hidden()
        time.sleep(1)  # the view fetched after connecting keeps it so
        expect(ana.locator("#composer-section")).to_be_hidden()
    finally:
        facilitator.close()
        phone.close()
