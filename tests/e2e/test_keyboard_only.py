"""A whole workshop with the keyboard alone, in real Chromium: a facilitator and two
participants go from the start page to the report preview pressing only Tab, Shift+Tab,
Enter, Space, arrow keys and typing; nothing is clicked, filled or focused by the test.

On every screen the first Tab reaches the skip link, which moves focus to the main content;
every element that takes focus shows a visible indicator on screen; and Tab always cycles
back to the start of the document, so there is no keyboard trap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

pytestmark = pytest.mark.e2e

# What the test reads about the focused element: reading is not interacting.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) { return null; }
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && style.outlineColor !== 'rgba(0, 0, 0, 0)';
  const shadow = style.boxShadow !== 'none';
  const onScreen = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
    && rect.top < window.innerHeight && rect.left < window.innerWidth;
  const stops = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .filter(e => !e.disabled && e.tabIndex >= 0 && e.getClientRects().length > 0
      && getComputedStyle(e).visibility !== 'hidden');
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 50);
  return {what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + name + '"',
          indicator: outline || shadow, onScreen,
          style: [style.outlineStyle, style.outlineWidth, style.outlineColor, style.boxShadow,
                  el.matches(':focus'), el.matches(':focus-visible'), document.hasFocus()].join(' '),
          skip: el.classList.contains('skip-link'), main: el.id === 'main',
          first: stops[0] === el, last: stops[stops.length - 1] === el,
          positive: stops.filter(e => e.tabIndex > 0).length,
          inMain: !!el.closest('main') && el.id !== 'main'};
}"""

TAB_LIMIT = 400


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page: Page, label: str) -> dict | None:
    now = focused(page)
    if now is not None and not now["main"]:
        assert now["indicator"], f"{label}: {now['what']} has focus but no visible indicator ({now['style']})"
        assert now["onScreen"], f"{label}: {now['what']} has focus but is off screen"
    return now


def has_focus(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator | str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has focus, checking every stop on the way."""
    target = page.locator(target) if isinstance(target, str) else target
    expect(target).to_have_count(1)
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(TAB_LIMIT):
        if has_focus(target):
            return
        page.keyboard.press(key)
        assert_focus_visible(page, f"on the way to {target}")
    raise AssertionError(f"{target} could not be reached with {key}")


def press(page: Page, target: Locator | str, key: str = "Enter") -> None:
    """Tab to a control and press a key on it (Enter for buttons and links, Space for boxes)."""
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator | str, text: str, replace: bool = False) -> None:
    tab_to(page, target)
    if replace:
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.press("Delete")
    page.keyboard.type(text)


def choose_option(page: Page, select: Locator | str, label: str) -> None:
    """Arrow through a closed <select> until the wanted option is chosen."""
    select = page.locator(select) if isinstance(select, str) else select
    tab_to(page, select)
    page.keyboard.press("Home")
    for _ in range(50):
        if select.evaluate("s => (s.options[s.selectedIndex] || {text: ''}).text.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in {select}")


def type_date(page: Page, field: Locator | str, day: date) -> None:
    """Type a date segment by segment. The order of the segments follows the browser's own
    language, not the page's, so the first two digits typed find out which comes first."""
    field = page.locator(field) if isinstance(field, str) else field
    tab_to(page, field)
    page.keyboard.type("01022030")
    expect(field).not_to_have_value("")
    day_first = field.input_value() == "2030-02-01"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(f"{day:%d%m%Y}" if day_first else f"{day:%m%d%Y}")
    expect(field).to_have_value(day.isoformat())


def check_screen(page: Page, label: str, fresh: bool = False) -> None:
    """Skip link first, skip link to main, visible focus throughout, and no keyboard trap."""
    # A live page's script takes over the skip link once it runs (static/js/live/focus.js);
    # a person reaches for the keyboard after the page has settled, and so does this test.
    page.wait_for_function("!document.querySelector('script[type=module]') || "
                           "document.documentElement.dataset.live === 'started'")
    if fresh:
        page.keyboard.press("Tab")
        first = focused(page)
        assert first and first["skip"], f"{label}: the first Tab reached {first}, not the skip link"
    else:
        # From wherever focus is, Tab must come round to the skip link, straight after the
        # start of the document.
        before = None
        for _ in range(TAB_LIMIT):
            now = assert_focus_visible(page, label)
            if now and now["skip"]:
                break
            before = now
            page.keyboard.press("Tab")
        else:
            raise AssertionError(f"{label}: Tab never came back to the skip link (a keyboard trap?)")
        # Headless Chromium has no browser toolbar to Tab into: it wraps from the last stop.
        assert before is None or before["last"], (
            f"{label}: the skip link came after {before}, not first in the document")
    now = assert_focus_visible(page, label)
    assert now["first"] and not now["positive"], f"{label}: the skip link is not the first stop"
    page.keyboard.press("Enter")
    # following a link to #main (on pages without the live script) takes a moment
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'",
                           timeout=5_000)
    now = focused(page)
    assert now and now["main"], f"{label}: the skip link moved focus to {now}, not the main content"
    page.keyboard.press("Tab")
    now = assert_focus_visible(page, label)
    assert now and now["inMain"], (
        f"{label}: after skipping, Tab went to {now}, outside the main content")
    # A whole cycle from the main content comes back to the start: every stop is visible.
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        now = assert_focus_visible(page, label)
        if now and now["skip"]:
            break
    else:
        raise AssertionError(f"{label}: Tab never came back to the skip link (a keyboard trap?)")
    # and backwards: Shift+Tab from the skip link leaves the document (or wraps to its end)
    page.keyboard.press("Shift+Tab")
    now = assert_focus_visible(page, label)
    assert now is None or now["last"], f"{label}: Shift+Tab from the skip link went to {now}"
    for _ in range(2):  # past the end of the document, then to its first stop
        page.keyboard.press("Tab")
        now = focused(page)
        if now:
            break
    assert now and now["skip"], f"{label}: Tab after Shift+Tab went to {now}, not the skip link"


def confirm_next_dialog(page: Page) -> None:
    """A native confirm() answered as a keyboard user would (Enter accepts it)."""
    page.once("dialog", lambda dialog: dialog.accept())


def advance(page: Page) -> None:
    current = page.locator("#controls .stepper li.current")
    before = current.inner_text()
    confirm_next_dialog(page)
    press(page, "#advance")
    expect(current).not_to_have_text(before)


def choose_activity(page: Page, title: str) -> None:
    press(page, page.locator("#controls").get_by_role("button", name=title))
    expect(page.locator("#phase-panel .activity-title")).to_have_text(title)


def share_words(phone: Page, text: str) -> None:
    type_into(phone, "#composer-text", text)
    press(phone, phone.locator("#composer").get_by_role("button", name="Share"))
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")


def start(facilitator: Page, base_url: str) -> str:
    facilitator.goto(base_url + "/")
    check_screen(facilitator, "home", fresh=True)
    press(facilitator, facilitator.get_by_role("link", name="Start a workshop"))
    expect(facilitator.get_by_role("heading", name="Start a workshop")).to_be_visible()
    check_screen(facilitator, "start", fresh=True)
    type_into(facilitator, "#title", "Ward 7 away morning")
    facilitator.keyboard.press("Enter")
    expect(facilitator.get_by_role("heading", name="Define: what this workshop is about")).to_be_visible()
    check_screen(facilitator, "define", fresh=True)
    # the private link, opened and closed from the keyboard
    summary = facilitator.locator(".private-link summary")
    press(facilitator, summary)
    expect(facilitator.locator(".private-link")).to_have_attribute("open", "")
    facilitator.keyboard.press("Space")
    expect(facilitator.locator(".private-link")).not_to_have_attribute("open", "")
    type_into(facilitator, "#organisation", "Ward 7")
    press(facilitator, facilitator.get_by_role("button", name="Save and show the join details"))
    expect(facilitator.get_by_role("heading", name="People join here")).to_be_visible()
    check_screen(facilitator, "lobby (facilitator)", fresh=True)
    return facilitator.locator(".join-code .code").first.inner_text().strip()


def join(context: BrowserContext, base_url: str, code: str, name: str | None) -> Page:
    phone = context.new_page()
    phone.goto(base_url + "/")
    type_into(phone, "#code", code.lower())
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("button", name="Join the workshop")).to_be_visible()
    check_screen(phone, "join page", fresh=True)
    if name:
        type_into(phone, "#display_name", name)
        phone.keyboard.press("Enter")
    else:
        press(phone, phone.get_by_role("button", name="Join the workshop"))
    expect(phone.locator("#connection")).to_have_text("Connected")
    check_screen(phone, "phone in the lobby", fresh=True)
    return phone


def discover(facilitator: Page, phones: list[Page], projector: Page) -> None:
    advance(facilitator)
    expect(phones[0].locator("#phase-panel")).to_contain_text("Define")
    share_words(phones[0], "Curious and ready")
    check_screen(phones[0], "phone in Define")
    check_screen(facilitator, "control page in Define")

    advance(facilitator)
    expect(facilitator.locator("#phase-panel")).to_contain_text("Paired interview")
    press(facilitator, "#form-pairs")
    for phone in phones:
        expect(phone.locator("#story-form")).to_be_visible()
    check_screen(facilitator, "control page with pairs")
    ana = phones[0]
    check_screen(ana, "phone with the story form")
    type_into(ana, "#story-headline", "The porter stayed to help us move the ward")
    type_into(ana, "#story-values", "Being noticed")
    # the radio group: Tab reaches the chosen option, arrows move along the group
    tab_to(ana, "#sharing-pair")
    ana.keyboard.press("ArrowDown")
    expect(ana.locator("#sharing-room")).to_be_checked()
    press(ana, ana.get_by_role("button", name="Save the story"))
    expect(ana.locator("#my-panel .flash")).to_have_text("Story saved.")
    expect(projector.locator("#wall .story")).to_have_count(1)

    choose_activity(facilitator, "Share what you heard")
    cards = ["New starters always get a buddy", "Bank staff are welcomed like family",
             "Someone always says thank you at handover"]
    share_words(phones[0], cards[0])
    share_words(phones[1], cards[1])
    share_words(phones[1], cards[2])
    expect(facilitator.locator("#facilitator-panel .card")).to_have_count(3)

    choose_activity(facilitator, "What helps us be at our best")
    board = facilitator.locator("#facilitator-panel")
    expect(board.locator("#ungrouped .board-item")).to_have_count(4)
    check_screen(facilitator, "theme board")
    for text in cards[:2]:
        item = board.locator("#ungrouped .board-item", has_text=text)
        press(facilitator, item.locator("input[type=checkbox]"), "Space")
        expect(item.locator("input[type=checkbox]")).to_be_checked()
    type_into(facilitator, "#new-theme-name", "Welcome")
    facilitator.keyboard.press("Enter")
    expect(board.locator(".theme-column h3").first).to_contain_text("Welcome (2)")
    type_into(facilitator, "#new-theme-name", "Thanks")
    facilitator.keyboard.press("Enter")
    expect(board.locator(".theme-column:not(.ungrouped)")).to_have_count(2)
    # "Move to" menus carry the remaining cards into the second theme
    for text in (cards[2], "The porter stayed"):
        item = board.locator("#ungrouped .board-item", has_text=text)
        choose_option(facilitator, item.locator("select"), "Thanks")
        facilitator.keyboard.press("Tab")
        facilitator.keyboard.press("Enter")
        expect(board.locator("#ungrouped")).not_to_contain_text(text)
    expect(board.locator(".theme-column h3").nth(1)).to_contain_text("Thanks (2)")
    # naming: rename the first theme through its "Change" panel
    press(facilitator, board.locator("summary", has_text="Change “Welcome”"))
    type_into(facilitator, board.locator("input[id^=rename-]").first, "A real welcome", replace=True)
    facilitator.keyboard.press("Enter")
    expect(board.locator(".theme-column h3").first).to_contain_text("A real welcome (2)")
    check_screen(facilitator, "theme board with themes")
    expect(projector.locator("#wall .core-theme")).to_have_count(2)
    check_screen(phones[1], "phone with the positive core")


def dream(facilitator: Page, phones: list[Page]) -> None:
    advance(facilitator)
    ana, other = phones
    expect(ana.locator("#dream-form")).to_be_visible()
    check_screen(ana, "phone with the dream form")
    type_into(ana, "#dream-text", "We know every new starter by name by the end of their first shift")
    press(ana, ana.get_by_label("A real welcome"), "Space")
    press(ana, ana.get_by_role("button", name="Share my dream"))
    expect(ana.locator("#my-panel .flash")).to_have_text("Your dream is on the wall.")
    for phone in phones:
        add_dot = phone.locator("#my-votes").get_by_role("button", name="Add a dot").first
        press(phone, add_dot)
        expect(phone.locator("#my-votes .my-dots strong").first).to_have_text("1")
    # focus stays on the ballot after the redraw, so a second Enter adds a second dot
    other.wait_for_timeout(1500)
    other.keyboard.press("Enter")
    expect(other.locator("#my-votes .my-dots strong").first).to_have_text("2")
    check_screen(other, "phone with dots placed")
    check_screen(facilitator, "control page in Dream")
    confirm_next_dialog(facilitator)
    press(facilitator, "#reveal-results")
    # Two voters: totals would tell each who the other chose, so none are shown.
    expect(other.locator(".too-few")).to_contain_text("Fewer than 3 people placed dots")
    expect(other.locator("#dream-results")).to_have_count(0)
    expect(other.locator("#my-votes")).to_contain_text("voting has paused")  # the screen is complete
    check_screen(other, "phone with the dream results")


def design(facilitator: Page, phones: list[Page]) -> None:
    advance(facilitator)
    writer = phones[1]
    expect(writer.locator("#proposition-form")).to_be_visible()
    check_screen(writer, "phone with the statement form")
    choose_option(writer, "#proposition-area", "How we welcome new, bank and agency colleagues")
    type_into(writer, "#proposition-text", "We greet every new starter by name on their first shift")
    choose_option(writer, "#proposition-theme", "A real welcome")
    press(writer, writer.get_by_role("button", name="Share the statement"))
    expect(writer.locator("#my-panel .flash")).to_contain_text("Your statement is on the wall")
    check_screen(facilitator, "control page in Design")


def deliver(facilitator: Page, phones: list[Page], projector: Page) -> None:
    advance(facilitator)
    ana = phones[0]
    today = date.today()
    expect(ana.locator("#commitment-form")).to_be_visible()
    check_screen(ana, "phone with the commitment form")
    type_into(ana, "#commitment-what", "Learn the names of the two new porters")
    expect(ana.locator("#commitment-owner")).to_have_value("Ana")
    type_date(ana, "#commitment-due", today + timedelta(days=30))
    type_into(ana, "#commitment-step", "Ask the porters' lead for the rota")
    type_date(ana, "#commitment-step-due", today + timedelta(days=2))
    press(ana, ana.get_by_role("button", name="Make my commitment"))
    expect(ana.locator("#my-panel .flash")).to_have_text("Thank you: your commitment is on the wall.")
    expect(projector.locator("#wall .commitment")).to_contain_text("Learn the names")
    check_screen(facilitator, "control page in Deliver")

    choose_activity(facilitator, "How you are leaving")
    for phone in phones:
        expect(phone.locator("#pulse-form")).to_be_visible()
    check_screen(phones[1], "phone with the check-out")
    for phone in phones:
        for number in range(1, 5):
            # Tab lands on the first option of an unanswered group; arrows pick another
            tab_to(phone, f"#pulse-{number}-1")
            phone.keyboard.press("ArrowRight")
            phone.keyboard.press("ArrowRight")
            phone.keyboard.press("ArrowRight")
            expect(phone.locator(f"#pulse-{number}-4")).to_be_checked()
        type_into(phone, "#pulse-word", "Hopeful")
        phone.keyboard.press("Enter")
        expect(phone.locator("#my-panel .flash")).to_contain_text("Your check-out is saved")


def close_and_report(facilitator: Page, phones: list[Page]) -> None:
    advance(facilitator)
    expect(facilitator.locator("#controls .stepper li.current")).to_have_text("Closed")
    expect(phones[0].locator("#phase-panel")).to_contain_text("Closed")
    check_screen(facilitator, "control page, closed")
    check_screen(phones[0], "phone, closed")
    press(facilitator, facilitator.get_by_role("link", name="Report", exact=True))
    expect(facilitator.get_by_role("heading", name="Ward 7 away morning", level=1)).to_be_visible()
    check_screen(facilitator, "report preview", fresh=True)
    # the audience is a radio group: Tab reaches the chosen one, an arrow moves the choice
    tab_to(facilitator, "input[name=audience]:checked")
    facilitator.keyboard.press("ArrowDown")
    expect(facilitator.get_by_label("Public, to circulate")).to_be_checked()
    press(facilitator, facilitator.get_by_role("button", name="Show this version"))
    expect(facilitator.get_by_text("Public: it leaves out what people shared only with the room."))\
        .to_be_visible()
    check_screen(facilitator, "public report preview", fresh=True)


def test_a_whole_workshop_by_keyboard_alone(server, new_context) -> None:
    laptop = new_context(viewport={"width": 1280, "height": 900})
    facilitator = laptop.new_page()
    code = start(facilitator, server.url)
    # the projector opens in a new tab from the facilitator's menu, by keyboard too
    with laptop.expect_page() as opened:
        press(facilitator, facilitator.get_by_role("link", name="Projector view"))
    projector = opened.value
    expect(projector.locator("#join-panel .code")).to_have_text(code)
    check_screen(projector, "projector in the lobby", fresh=True)

    phones = [join(new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                               has_touch=True), server.url, code, name)
              for name in ("Ana", None)]
    press(facilitator, facilitator.get_by_role("link", name="Go to the control page"))
    expect(facilitator.locator("#connection")).to_have_text("Connected")
    check_screen(facilitator, "control page in the lobby", fresh=True)

    discover(facilitator, phones, projector)
    dream(facilitator, phones)
    design(facilitator, phones)
    deliver(facilitator, phones, projector)
    close_and_report(facilitator, phones)
    check_screen(projector, "projector, closed")
