"""Any phone: every page reflows at 320 CSS pixels (and at 200% zoom of a laptop, 640 px)
without horizontal scrolling. Screenshots are kept in test-results/reflow/ for a human look."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "reflow"


def assert_no_horizontal_scroll(page: Page, label: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{width}-{label}.png"), full_page=True)
    overflow = page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > limit + 1 && el.offsetParent !== null)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''));
        return {scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 8)};
    }""")
    assert overflow["scroll"] <= overflow["limit"], (
        f"{label} scrolls sideways at {width}px: {overflow}")


@pytest.mark.parametrize("width", [320, 640])
def test_every_page_reflows_without_sideways_scrolling(server, new_context, width: int) -> None:
    size = {"width": width, "height": 800}
    laptop = new_context(viewport=size)
    facilitator = laptop.new_page()
    facilitator.goto(server.url + "/")
    assert_no_horizontal_scroll(facilitator, "home")
    facilitator.goto(server.url + "/start")
    assert_no_horizontal_scroll(facilitator, "start")
    code = start_workshop(facilitator, server.url)
    assert_no_horizontal_scroll(facilitator, "lobby")
    facilitator.goto(f"{server.url}/w/{code}/define")
    assert_no_horizontal_scroll(facilitator, "define")
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{code}/projector")
    assert_no_horizontal_scroll(projector, "projector-lobby")

    phone = new_context(viewport=size)
    join_page = phone.new_page()
    join_page.goto(f"{server.url}/w/{code}/join")
    assert_no_horizontal_scroll(join_page, "join")
    participant = join_as_participant(phone, server.url, code, "Ana")
    assert_no_horizontal_scroll(participant, "participant-lobby")

    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    assert_no_horizontal_scroll(facilitator, "control-lobby")
    for step in ("define", "discover", "dream", "design", "deliver"):
        advance(facilitator)
        participant.wait_for_selector(f"#phase-panel[data-phase={step}]")
        for page, name in ((participant, "participant"), (facilitator, "control"),
                           (projector, "projector")):
            assert_no_horizontal_scroll(page, f"{name}-{step}")
    facilitator.goto(f"{server.url}/w/NOPE00/facilitate")
    assert_no_horizontal_scroll(facilitator, "error")
