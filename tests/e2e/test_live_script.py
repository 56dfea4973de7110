"""The live script's modules load on a real page, under the real Content-Security-Policy:
each is fetched once (the page's modulepreload links name exactly what main.js imports), with
status 200 and a JavaScript type, and the page runs without an error and connects.

A wrong import path, a module left out of templates/base.html's list or a script error fails
here, before any test of what the script does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, Page, Response, expect

from tests.reliability import people

pytestmark = pytest.mark.e2e

MODULES = Path(__file__).resolve().parents[2] / "static" / "js" / "live"
MODULE_PATH = "/static/js/live/"


class Watched:
    """A page with what went wrong on it and which of the live script's modules it fetched."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.modules: list[tuple[str, int, str]] = []
        page.on("console", lambda message: self.errors.append(f"console: {message.text}")
                if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.errors.append(
            f"request failed: {request.url} {request.failure}"))
        page.on("response", self.note)

    def note(self, response: Response) -> None:
        if MODULE_PATH in response.url:
            name = response.url.split(MODULE_PATH, 1)[1]
            self.modules.append((name, response.status, response.headers.get("content-type", "")))


def open_watched(browser: Browser, base: str, session: requests.Session, path: str,
                 **options: object) -> Watched:
    # Not the new_context fixture: that one bypasses the Content-Security-Policy, and a
    # module the policy refused must fail this test.
    context = browser.new_context(**options)
    context.add_cookies([{"name": c.name, "value": c.value, "url": base}
                         for c in session.cookies])
    watched = Watched(context.new_page())
    watched.page.goto(base + path)
    try:
        expect(watched.page.locator("#connection")).to_have_text("Connected")
    except AssertionError as never_connected:
        raise AssertionError(f"{path} never connected: {watched.errors}") from never_connected
    watched.page.wait_for_timeout(1000)  # the view fetched after connecting has been applied
    return watched


def test_every_module_loads_once_and_the_page_connects(server, browser: Browser) -> None:
    facilitator, code = people.start_workshop(server.url)
    phone = people.join(server.url, code)
    files = sorted(path.name for path in MODULES.glob("*.js"))
    assert "main.js" in files
    screens: dict[str, Watched] = {}
    try:
        screens["phone"] = open_watched(browser, server.url, phone, f"/w/{code}/",
                                        viewport={"width": 360, "height": 740})
        screens["control page"] = open_watched(browser, server.url, facilitator,
                                               f"/w/{code}/facilitate")
        for name, screen in screens.items():
            assert screen.errors == [], (name, screen.errors)
            fetched = sorted(module for module, _, _ in screen.modules)
            assert fetched == files, (name, "each module fetched exactly once", fetched)
            for module, status, content_type in screen.modules:
                assert status == 200, (name, module, status)
                assert content_type.startswith("text/javascript"), (name, module, content_type)
            preloaded = screen.page.locator("link[rel=modulepreload]").evaluate_all(
                "links => links.map(link => link.href)")
            assert sorted(href.split(MODULE_PATH, 1)[1] for href in preloaded) == [
                module for module in files if module != "main.js"], name
    finally:
        for screen in screens.values():
            screen.page.context.close()
        facilitator.close()
        phone.close()


def test_a_page_that_is_not_live_loads_no_script(server, browser: Browser) -> None:
    context = browser.new_context()
    try:
        watched = Watched(context.new_page())
        watched.page.goto(server.url + "/")
        assert watched.page.locator("script, link[rel=modulepreload]").count() == 0
        assert watched.modules == []
        assert watched.errors == []
    finally:
        context.close()
