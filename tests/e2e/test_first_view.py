"""The first view is the server's: a page paints from its own HTML, connecting redraws
nothing it already shows, and nothing moves under the reader's eyes.

bench/lighthouse.py measures the same pages on a slow phone's profile; these tests hold the
behaviours that make those figures, on every run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.reliability import people

pytestmark = pytest.mark.e2e

# Notes what is taken out of the page once it has loaded, and every layout shift with what
# moved.
WATCH = """
window.__redrawn = [];
window.__shifts = 0;
window.__moved = [];
new PerformanceObserver(list => list.getEntries().forEach(entry => {
  if (entry.hadRecentInput) { return; }
  window.__shifts += entry.value;
  entry.sources.forEach(source => {
    window.__moved.push(source.node ? source.node.id || source.node.className : "?");
  });
})).observe({type: "layout-shift", buffered: true});
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(changes => changes.forEach(change => change.removedNodes.forEach(node => {
    if (node.id) { window.__redrawn.push(node.id); }
  }))).observe(document.body, {childList: true, subtree: true});
});
"""


def open_as(new_context: Callable[..., BrowserContext], base: str, session: requests.Session,
            path: str, **options: object) -> Page:
    context: BrowserContext = new_context(**options)
    context.add_cookies([{"name": c.name, "value": c.value, "url": base}
                         for c in session.cookies])
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto(base + path)
    expect(page.locator("#connection")).to_have_text("Connected")
    page.wait_for_timeout(1500)  # the view fetched after connecting has been applied
    return page


def test_connecting_redraws_nothing_the_page_already_shows(server, new_context) -> None:
    facilitator, code = people.start_workshop(server.url)
    phone = people.join(server.url, code)
    try:
        screens = {
            "phone": open_as(new_context, server.url, phone, f"/w/{code}/",
                             viewport={"width": 360, "height": 740}),
            "projector": open_as(new_context, server.url, facilitator, f"/w/{code}/projector",
                                 viewport={"width": 1920, "height": 1080}),
            "control page": open_as(new_context, server.url, facilitator,
                                    f"/w/{code}/facilitate"),
        }
        for name, page in screens.items():
            assert page.evaluate("window.__redrawn") == [], name
            assert page.evaluate("window.__shifts") == 0, (name, page.evaluate("window.__moved"))
        # and a real change still arrives and is drawn
        sharer = people.live(server.url, code, phone, time.monotonic() + 60)
        sharer.call("contribute", {"activity": "arrival-hopes", "text": "Drawn once it is new",
                                   "client_id": "first-view-01"}, timeout=30)
        sharer.disconnect()
        for name, page in screens.items():
            if name != "control page":
                expect(page.locator("#wall .card-body", has_text="Drawn once it is new"),
                       name).to_have_count(1)
    finally:
        facilitator.close()
        phone.close()


def test_the_qr_address_is_the_join_page_itself(server) -> None:
    facilitator, code = people.start_workshop(server.url)
    try:
        answer = requests.get(f"{server.url}/j/{code.lower()}", allow_redirects=False,
                              timeout=10)
        assert answer.status_code == 200, "a redirect costs a slow phone a round trip"
        assert "Join the workshop" in answer.text
        # nothing private on it, so Back may show it from the browser's memory
        assert answer.headers["Cache-Control"] == "no-cache"
        room = facilitator.get(f"{server.url}/w/{code}/facilitate", timeout=10)
        assert room.headers["Cache-Control"] == "no-store"
    finally:
        facilitator.close()


def test_the_report_page_starts_with_its_heading(server, new_context) -> None:
    facilitator, code = people.start_workshop(server.url)
    try:
        context = new_context()
        context.add_cookies([{"name": c.name, "value": c.value, "url": server.url}
                             for c in facilitator.cookies])
        page = context.new_page()
        page.goto(f"{server.url}/w/{code}/report")
        levels = page.locator("main h1, main h2, main h3").evaluate_all(
            "headings => headings.map(h => Number(h.tagName[1]))")
        assert levels[0] == 1
        assert all(after - before <= 1 for before, after in zip(levels, levels[1:], strict=False)), levels
    finally:
        facilitator.close()
