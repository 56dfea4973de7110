"""Browser contexts for end-to-end tests, each closed when its test ends."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

# The machine is small and shared: wait generously for what a person would eventually see.
expect.set_options(timeout=15_000)


@pytest.fixture()
def new_context(browser: Browser):
    """Open browser contexts (one per person) and close them all after the test.

    Contexts bypass the Content-Security-Policy only so axe-core can be injected.
    """
    opened: list[BrowserContext] = []

    def open_context(**options) -> BrowserContext:
        context = browser.new_context(bypass_csp=True, **options)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()
