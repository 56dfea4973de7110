"""On a phone (360×740) the thing to do is on the first screen: in every activity the box
to write in, or the activity's own form, starts above the fold; the agreements and the
note for when something painful comes up are one tap away, not in the way."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.reliability import people

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}

# (phase steps forward from Define, activity, what a person does there)
ACTIVITIES = [
    (0, "arrival-hopes", "#composer-text"),
    (0, "topic-framing", "#composer-text"),
    (1, "best-of-us-interview", "#my-panel"),
    (1, "share-what-you-heard", "#composer-text"),
    (2, "team-dream", "#dream-form"),
    (3, "possibility-statements", "#proposition-form"),
    (4, "our-commitments", "#commitment-form"),
    (4, "check-out", "#pulse-form"),
]


def open_as(new_context: Callable[..., BrowserContext], base: str, session: requests.Session,
            path: str, **options: object) -> Page:
    context = new_context(**options)
    context.add_cookies([{"name": c.name, "value": c.value, "url": base}
                         for c in session.cookies])
    page = context.new_page()
    page.goto(base + path)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def facilitate(base: str, code: str, facilitator: requests.Session, path: str,
               **data: str) -> None:
    token = people.csrf(facilitator, f"{base}/w/{code}/facilitate")
    answer = facilitator.post(f"{base}/w/{code}/{path}", data={"csrf_token": token, **data},
                              allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text


def test_the_thing_to_do_starts_on_the_first_screen(server, new_context) -> None:
    facilitator, code = people.start_workshop(server.url)
    phone = people.join(server.url, code)
    try:
        ana = open_as(new_context, server.url, phone, f"/w/{code}/", viewport=PHONE)
        # the welcome: the agreements are there, folded behind one tap
        agreements = ana.locator("details.phone-agreements")
        expect(agreements.locator("summary")).to_be_visible()
        expect(agreements.locator("li").first).to_be_hidden()
        agreements.locator("summary").click()
        expect(agreements.locator("li").first).to_be_visible()
        expect(ana.locator("details.support-note summary")).to_be_attached()
        steps = 0
        tops = {}
        for forward, activity, selector in ACTIVITIES:
            while steps < forward:
                facilitate(server.url, code, facilitator, "move", direction="forward")
                steps += 1
            facilitate(server.url, code, facilitator, "activity", activity=activity)
            expect(ana.locator("#phase-panel")).to_have_attribute("data-activity", activity)
            target = ana.locator(selector)
            expect(target).to_be_visible()
            ana.evaluate("window.scrollTo(0, 0)")
            box = target.bounding_box()
            assert box is not None
            tops[activity] = round(box["y"])
        late = {activity: top for activity, top in tops.items() if top >= PHONE["height"]}
        assert not late, f"starts below the first screen of a phone: {late} (all: {tops})"
    finally:
        facilitator.close()
        phone.close()


def test_the_wall_count_follows_new_cards_live(server, new_context) -> None:
    facilitator, code = people.start_workshop(server.url)
    phone, other = people.join(server.url, code), people.join(server.url, code)
    try:
        ana = open_as(new_context, server.url, phone, f"/w/{code}/", viewport=PHONE)
        expect(ana.locator("#wall-count")).to_have_text("(0)")
        sharer = people.live(server.url, code, other, time.monotonic() + 60)
        for n in (1, 2):
            sharer.call("contribute", {"activity": "arrival-hopes", "text": f"Hopeful {n}",
                                       "client_id": f"wall-count-0{n}"}, timeout=30)
            expect(ana.locator("#wall .card-body", has_text=f"Hopeful {n}")).to_have_count(1)
            expect(ana.locator("#wall-count")).to_have_text(f"({n})")
        sharer.disconnect()
    finally:
        facilitator.close()
        phone.close()
        other.close()
