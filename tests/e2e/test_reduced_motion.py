"""With reduced motion asked for, nothing on the phone or the projector moves: no running
animation or transition, and no style that would start one longer than a hundredth of a
second, before, during and after live updates."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e

# Every element (and its ::before and ::after) whose styles would animate or transition for
# longer than 0.01s, and every animation the document is running now.
MOVING = """() => {
  const seconds = value => Math.max(...value.split(',').map(part => {
    const n = parseFloat(part);
    return part.trim().endsWith('ms') ? n / 1000 : n;
  }));
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (pseudo || '');
      if (style.animationName !== 'none' && seconds(style.animationDuration) > 0.01) {
        found.push(name + ' animation ' + style.animationName + ' ' + style.animationDuration);
      }
      if (style.transitionProperty !== 'none' && seconds(style.transitionDuration) > 0.01) {
        found.push(name + ' transition ' + style.transitionProperty + ' ' + style.transitionDuration);
      }
    }
  }
  for (const animation of document.getAnimations()) {
    const timing = animation.effect && animation.effect.getComputedTiming();
    if (animation.playState === 'running' && timing && timing.duration > 10) {
      found.push('running ' + animation.constructor.name + ' ' + timing.duration + 'ms on '
        + (animation.effect.target ? animation.effect.target.tagName : '?'));
    }
  }
  if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') {
    found.push('html scroll-behavior smooth');
  }
  return found;
}"""


def assert_still(page: Page, label: str) -> None:
    moving = page.evaluate(MOVING)
    assert not moving, f"{label} moves although reduced motion was asked for: {moving[:10]}"


def test_nothing_moves_with_reduced_motion(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    facilitator = laptop.new_page()
    code = start_workshop(facilitator, server.url)
    projector = laptop.new_page()
    projector.goto(f"{server.url}/w/{code}/projector")
    phone_context = new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce",
                                is_mobile=True, has_touch=True)
    phone = join_as_participant(phone_context, server.url, code, "Ana")
    other = join_as_participant(new_context(viewport={"width": 360, "height": 740}), server.url, code)
    assert phone.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    for page, label in ((phone, "the phone"), (projector, "the projector")):
        assert_still(page, f"{label} in the lobby")

    advance(facilitator)
    for page, label in ((phone, "the phone"), (projector, "the projector")):
        assert_still(page, f"{label} just after the phase changed")
    facilitator.get_by_role("button", name="Start the timer").click()
    # a card arrives: look while it is being swapped in, and after
    other.get_by_label("Your words").fill("Glad to be here")
    other.get_by_role("button", name="Share").click()
    for _ in range(10):
        assert_still(projector, "the projector while a card arrives")
        assert_still(phone, "the phone while a card arrives")
        phone.wait_for_timeout(50)
    expect(projector.locator("#wall .card")).to_have_count(1)
    expect(projector.locator("#timer")).to_contain_text("Time left")
    phone.get_by_text("Say it more simply").click()
    phone.get_by_label("Your words").fill("Ready")
    phone.get_by_role("button", name="Share").click()
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")
    for page, label in ((phone, "the phone"), (projector, "the projector")):
        assert_still(page, f"{label} with cards, the timer and an open panel")
    toggle = projector.get_by_role("button", name="High contrast")
    toggle.click()
    assert_still(projector, "the high-contrast projector")
