"""Browser contexts for end-to-end tests, each closed when its test ends, and one real
server per test module (each test starts its own workshop on it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from ..conftest import ServerProcess

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """``python app.py`` for the tests of one module: starting one per test cost a second
    each. A test that kills it starts it again on the same data, as a facilitator would."""
    folder = tmp_path_factory.mktemp("server")
    process = ServerProcess(folder / "data", folder / "server.log").start()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def _server_is_up(request: pytest.FixtureRequest) -> None:
    """A test that left the module's server stopped (a failure part-way through a crash
    test) must not fail the tests after it."""
    if "server" in request.fixturenames:
        process = request.getfixturevalue("server")
        if process.process is None or process.process.poll() is not None:
            process.start()


# pytest-xdist hands files to its workers in collection order, so the longest go first and
# the four workers finish together (measured with --durations: the sleep test about 90 s in
# all, the accessibility tour 90, the whole workshop 65, by keyboard 55, reflow 45). A name
# missing here only runs in its usual place.
LONGEST_FIRST = ("test_honest_connection.py", "test_accessibility_everywhere.py",
                 "test_whole_workshop.py", "test_keyboard_only.py", "test_reflow.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def place(item: pytest.Item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=place)  # stable: everything else keeps its order
