"""A phone that loses its connection comes back by itself, catches up with the room, and sends
what it kept exactly once: after a network drop, a lost acknowledgement, a server crash."""

from __future__ import annotations

import re
import select
import socket
import socketserver
import threading
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, WebSocketRoute, expect

from tests.conftest import ServerProcess

from .helpers import advance, join_as_participant, start_workshop

pytestmark = pytest.mark.e2e

LONG = 30_000  # ms: the machine is shared and slow; these are ceilings, not expectations


def open_room(server: ServerProcess, new_context: Callable[..., BrowserContext]) -> tuple[Page, str]:
    facilitator = new_context().new_page()
    code = start_workshop(facilitator, server.url)
    facilitator.goto(f"{server.url}/w/{code}/facilitate")
    advance(facilitator)
    expect(facilitator.locator("#phase-panel")).to_contain_text("Define")
    return facilitator, code


def cards(page: Page, text: str) -> Locator:
    """A card as shown on this page: the shared wall, or the facilitator's own panel."""
    return page.locator("#wall .card-body, #facilitator-panel .card-body", has_text=text)


def wait_until(page: Page, condition: Callable[[], object], what: str) -> None:
    """Let Playwright deliver events (its callbacks run only while it is called) until
    ``condition()`` holds."""
    for _ in range(LONG // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting for {what}")


def outbox(page: Page, code: str) -> list:
    return page.evaluate(f"JSON.parse(localStorage.getItem('appreciate:outbox:{code}') || '[]')")


def test_a_network_drop_resyncs_the_view_and_sends_what_was_kept_once(
        server, new_context, ledger) -> None:
    facilitator, code = open_room(server, new_context)
    context = new_context()
    phone = join_as_participant(context, server.url, code)
    neighbour = join_as_participant(new_context(), server.url, code)

    context.set_offline(True)
    ledger.faults["network drop (browser offline)"] += 1
    expect(phone.locator("#connection")).to_contain_text("Reconnecting", timeout=LONG)
    neighbour.get_by_label("Your words").fill("Shared while the phone was in a lift")
    neighbour.get_by_role("button", name="Share").click()
    expect(cards(facilitator, "in a lift")).to_have_count(1)

    box = phone.get_by_label("Your words")
    box.fill("Written with no signal")
    phone.get_by_role("button", name="Share").click()
    expect(phone.locator("#composer-status")).to_contain_text("Saved on this phone")
    assert phone.url.endswith(f"/w/{code}/")  # no form post to a dead network
    box.fill("Half a thought, not sent yet")
    assert [item["text"] for item in outbox(phone, code)] == ["Written with no signal"]

    context.set_offline(False)
    expect(phone.locator("#connection")).to_have_text("Connected", timeout=LONG)
    expect(cards(phone, "in a lift")).to_have_count(1, timeout=LONG)  # caught up
    expect(cards(facilitator, "Written with no signal")).to_have_count(1, timeout=LONG)
    expect(cards(phone, "Written with no signal")).to_have_count(1)
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.")
    assert outbox(phone, code) == []
    expect(box).to_have_value("Half a thought, not sent yet")
    ledger.acknowledged += 1


def test_a_lost_acknowledgement_is_resent_and_stored_once(server, new_context, ledger) -> None:
    facilitator, code = open_room(server, new_context)
    context: BrowserContext = new_context()
    dropped: list[str] = []
    joined = threading.Event()
    drop_next_ack = threading.Event()  # Events only as flags: callbacks run on this thread

    def relay(ws: WebSocketRoute) -> None:
        """Between the phone and the server: pass everything, except (once) the answer to a
        contribution, and then cut the line, as a phone walking out of Wi-Fi range does."""
        upstream = ws.connect_to_server()

        def from_phone(message: str | bytes) -> None:
            upstream.send(message)
            if message == "5":
                joined.set()  # the upgrade is done: the live connection runs over this WebSocket

        def from_server(message: str | bytes) -> None:
            if isinstance(message, str) and message.startswith("40"):
                joined.set()  # connected over this WebSocket from the start
            if drop_next_ack.is_set() and isinstance(message, str) and message.startswith("43"):
                drop_next_ack.clear()
                dropped.append(message)
                ws.close()
                return
            ws.send(message)

        ws.on_message(from_phone)
        upstream.on_message(from_server)

    context.route_web_socket(re.compile(r"/socket\.io/"), relay)
    phone = join_as_participant(context, server.url, code)
    wait_until(phone, joined.is_set, "the live connection over WebSocket")

    drop_next_ack.set()
    phone.get_by_label("Your words").fill("Said once, heard once")
    phone.get_by_role("button", name="Share").click()
    ledger.faults["acknowledgement lost and connection cut"] += 1

    # The first answer never arrived, so "Shared" means the phone sent the words again
    # (over the new connection, polling or WebSocket) and was answered; still one card.
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.", timeout=LONG)
    assert len(dropped) == 1 and '"duplicate":false' in dropped[0]
    expect(cards(facilitator, "Said once, heard once")).to_have_count(1)
    assert outbox(phone, code) == []
    facilitator.reload()
    expect(cards(facilitator, "Said once, heard once")).to_have_count(1)
    ledger.acknowledged += 1
    ledger.resent_after_lost_ack += 1


def test_a_server_crash_right_after_share_stores_the_words_once(
        server, new_context, ledger) -> None:
    facilitator, code = open_room(server, new_context)
    phone = join_as_participant(new_context(), server.url, code)
    phone.get_by_label("Your words").fill("Pressed Share as the laptop died")
    phone.get_by_role("button", name="Share").click()
    server.kill()
    ledger.faults["SIGKILL of the server right after Share"] += 1
    server.start()

    expect(phone.locator("#connection")).to_have_text("Connected", timeout=LONG)
    expect(facilitator.locator("#connection")).to_have_text("Connected", timeout=LONG)
    expect(cards(facilitator, "as the laptop died")).to_have_count(1, timeout=LONG)
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.", timeout=LONG)
    assert outbox(phone, code) == []
    phone.reload()
    expect(cards(phone, "as the laptop died")).to_have_count(1)
    ledger.acknowledged += 1


class NoWebSocketProxy(socketserver.ThreadingTCPServer):
    """A loopback proxy like a strict hospital network: plain HTTP passes, WebSocket
    handshakes are refused; or, with ``cut_after_probe``, a WebSocket is let through until
    the server has answered the page's probe, then cut (as when the laptop dies or a proxy
    drops the socket in the middle of the upgrade)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream_port: int, cut_after_probe: bool = False) -> None:
        self.upstream_port = upstream_port
        self.cut_after_probe = cut_after_probe
        self.refused = 0
        self.cut = 0
        super().__init__(("127.0.0.1", 0), _Relay)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Relay(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        first = self.request.recv(65536)
        websocket = b"\r\nupgrade: websocket" in first.lower()
        if websocket and not self.server.cut_after_probe:
            self.server.refused += 1
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
            return
        with socket.create_connection(("127.0.0.1", self.server.upstream_port)) as upstream:
            upstream.sendall(first)
            sockets = [self.request, upstream]
            while True:
                readable, _, _ = select.select(sockets, [], [], 30)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.request else self.request).sendall(data)
                    if websocket and source is upstream and b"3probe" in data:
                        self.server.cut += 1
                        return


def share_and_see_it_arrive(phone: Page, facilitator: Page, text: str) -> None:
    """The phone shares ``text``; it reaches the facilitator once and the phone says so."""
    phone.get_by_label("Your words").fill(text)
    phone.get_by_role("button", name="Share").click()
    expect(cards(facilitator, text)).to_have_count(1, timeout=LONG)
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.", timeout=LONG)


def test_a_network_that_blocks_websockets_falls_back_to_long_polling(
        server, new_context, ledger) -> None:
    proxy = NoWebSocketProxy(server.port)
    try:
        facilitator, code = open_room(server, new_context)
        phone = join_as_participant(new_context(), proxy.url, code)
        ledger.faults["WebSocket refused by the network"] += 1
        share_and_see_it_arrive(phone, facilitator, "Sent the old-fashioned way")
        assert proxy.refused >= 1, "the page never tried WebSocket"
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_a_websocket_cut_in_the_middle_of_its_upgrade_does_not_leave_the_page_deaf(
        server, new_context, ledger) -> None:
    """Left alone, the Socket.IO client keeps its long-polling paused for good after such a
    cut and says "Connected" until its ping timeout, 45 s later; the page starts again at once
    and stays on long-polling, so a card shared meanwhile arrives within seconds."""
    proxy = NoWebSocketProxy(server.port, cut_after_probe=True)
    try:
        facilitator, code = open_room(server, new_context)
        phone = join_as_participant(new_context(), proxy.url, code)
        phone.wait_for_timeout(1000)  # the upgrade is tried, and cut
        assert proxy.cut == 1, "the page never tried WebSocket"
        ledger.faults["WebSocket cut in the middle of its upgrade"] += 1
        share_and_see_it_arrive(phone, facilitator, "Heard despite the cut")
        expect(phone.locator("#connection")).to_have_text("Connected")
        assert proxy.cut == 1, "the page tried the WebSocket again and again"
        ledger.acknowledged += 1
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_sending_too_fast_keeps_the_words_and_sends_them_when_allowed(
        server, new_context, ledger) -> None:
    facilitator, code = open_room(server, new_context)
    phone = join_as_participant(new_context(), server.url, code)
    phone.evaluate("""() => {
        window.statuses = [];
        const line = document.getElementById('composer-status');
        new MutationObserver(() => window.statuses.push(line.textContent))
            .observe(line, {childList: true, characterData: true, subtree: true});
    }""")
    box, share = phone.get_by_label("Your words"), phone.get_by_role("button", name="Share")
    for n in range(14):  # the default allowance is 10 at once, then one every 3 seconds
        box.fill(f"Quick thought number {n:02d}")
        share.click()
    ledger.bad_inputs["contributions over the flood limit (browser)"] += 4

    wait_until(phone, lambda: any(s.startswith("You're sending very fast")
                                  for s in phone.evaluate("window.statuses")),
               "the slow-down message")
    for n in range(14):
        expect(cards(facilitator, f"Quick thought number {n:02d}")).to_have_count(
            1, timeout=2 * LONG)
    expect(phone.locator("#composer-status")).to_have_text("Shared. Thank you.",
                                                          timeout=LONG)
    assert outbox(phone, code) == []
