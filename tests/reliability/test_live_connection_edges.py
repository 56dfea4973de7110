"""The live connection on a real server: foreign origins, oversized messages, code guessing
and a TLS proxy in front."""

from __future__ import annotations

import gc
import re
import subprocess
import sys
import threading
import time

import engineio
import pytest
import requests
import socketio
import websocket

from tests.conftest import ROOT, ServerProcess

from . import people

PUBLIC = "https://workshop.example.nhs.uk"


# python-engineio's and websocket-client's clients drop (without closing) the socket of a
# refused connection; refused() and speaks_engine_io() collect it while this filter applies.
pytestmark = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
REFUSALS = (socketio.exceptions.ConnectionError, engineio.exceptions.ConnectionError,
            ValueError)  # the client reports a refused WebSocket upgrade as a ValueError


def refused(base: str, code: str, session: requests.Session, **options: object) -> str:
    """Try to open a live connection: the server's reason for refusing it, or '' if it was
    let in."""
    reasons: list[str] = []

    def note(data: object) -> None:
        reasons.append(str(data.get("message") if isinstance(data, dict) else data))

    client = socketio.Client(reconnection=False, http_session=session)
    client.on("connect_error", note)
    try:
        client.connect(base, auth={"workshop": code}, wait_timeout=5, **options)
    except REFUSALS as exc:
        return " ".join(reasons) or str(exc) or "refused"
    finally:
        gc.collect()
    client.disconnect()
    return ""


def speaks_engine_io(base: str, origin: str, cookie: str, code: str | None = None,
                     headers: dict[str, str] | None = None) -> bool:
    """Whether a bare WebSocket handshake with this Origin gets an Engine.IO session (and,
    given a workshop ``code``, is let into that workshop's live connection).

    A refusal is a 400 before the upgrade, or (when gevent-websocket is installed and
    upgrades first) a connection closed without a word."""
    url = base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    try:
        ws = websocket.create_connection(url, origin=origin, cookie=cookie, timeout=5,
                                         header=headers or {})
    except websocket.WebSocketBadStatusException as exc:
        assert exc.status_code == 400
        gc.collect()  # websocket-client leaves the refused socket to the collector
        return False
    try:
        if not ws.recv().startswith("0{"):
            return False
        if code is None:
            return True
        ws.send(f'40{{"workshop": "{code}"}}')
        return ws.recv().startswith('40{"sid"')
    except websocket.WebSocketConnectionClosedException:
        return False
    finally:
        ws.close()
        gc.collect()


def test_a_connection_from_another_site_is_refused(server, ledger) -> None:
    facilitator, code = people.start_workshop(server.url)
    person = people.join(server.url, code)
    cookie = "; ".join(f"{c.name}={c.value}" for c in person.cookies)
    try:
        assert refused(server.url, code, person) == ""
        assert speaks_engine_io(server.url, server.url, cookie)
        for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null"):
            assert not speaks_engine_io(server.url, origin, cookie), origin
            assert refused(server.url, code, person, transports=["polling"],
                           headers={"Origin": origin}), origin
            assert refused(server.url, code, person, transports=["websocket"],
                           headers={"Origin": origin}), origin
            ledger.bad_inputs["connections from a foreign origin"] += 3
    finally:
        facilitator.close()
        person.close()


def test_an_oversized_message_closes_only_the_sender(server, ledger) -> None:
    deadline = time.monotonic() + 30
    facilitator, code = people.start_workshop(server.url)
    sender, watcher = people.join(server.url, code), people.join(server.url, code)
    heard: list[str] = []
    closed = threading.Event()
    loud = socketio.Client(reconnection=False, http_session=sender)
    loud.on("disconnect", lambda *_args: closed.set())
    quiet = socketio.Client(reconnection=False, http_session=watcher)
    quiet.on("fragment", heard.append)
    try:
        people.connect(loud, server.url, code, deadline)
        people.connect(quiet, server.url, code, deadline)
        loud.emit("contribute", {"activity": "arrival-hopes", "client_id": "huge-00001",
                                 "text": "x" * 200_000})
        ledger.bad_inputs["oversized Socket.IO message"] += 1
        assert closed.wait(10), "the oversized message did not close the sender's connection"
        assert quiet.connected
        time.sleep(0.5)
        assert heard == []
        # the server carries on: the sender reconnects and shares a normal contribution
        people.connect(loud, server.url, code, deadline)
        reply = loud.call("contribute", {"activity": "arrival-hopes",
                                         "client_id": "normal-0001", "text": "Normal size"},
                          timeout=10)
        assert reply["ok"] is True
    finally:
        for client in (loud, quiet):
            client.disconnect()
        for session in (facilitator, sender, watcher):
            session.close()


def test_guessing_codes_over_the_live_connection_is_made_to_wait(server, ledger) -> None:
    facilitator, code = people.start_workshop(server.url)
    member = people.join(server.url, code)
    guesser = requests.Session()
    try:
        messages: list[str] = []
        while len(messages) < 40 and not (messages and messages[-1].startswith("Too many")):
            # 20 at once, one more every 6 seconds: a slow machine may earn a few extra
            messages.append(refused(server.url, f"ZZZ{len(messages):03d}", guesser,
                                    transports=["websocket"]))
        ledger.bad_inputs["join codes guessed over the live connection"] += len(messages)
        assert set(messages[:-1]) == {"Connection rejected by server"}
        assert len(messages) >= 21
        assert messages[-1].startswith("Too many join codes that do not exist were tried")
        # someone already in the room, from the same address, still connects
        assert refused(server.url, code, member, transports=["websocket"]) == ""
    finally:
        for session in (facilitator, member, guesser):
            session.close()


def test_behind_a_tls_proxy_the_public_origin_is_accepted(tmp_path) -> None:
    """As nginx would forward a phone's https request; cookies are handed over by hand,
    because a Secure cookie is rightly never sent over the test's plain http."""
    created = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "new", "--plan", "team-90-minutes",
         "--data-dir", str(tmp_path / "data"), "--public-url", PUBLIC],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=True)
    code = re.search(r"Join code:\s+(\w+)", created.stdout).group(1)
    server = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--behind-proxy",
                           "--public-url", PUBLIC)
    server.start()
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "workshop.example.nhs.uk",
             "X-Forwarded-For": "198.51.100.7"}
    phone = requests.Session()
    try:
        page = phone.get(f"{server.url}/w/{code}/join", headers=proxy, timeout=10)
        assert "Secure" in page.headers["Set-Cookie"]
        assert "HttpOnly" in page.headers["Set-Cookie"]
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        cookie = page.headers["Set-Cookie"].split(";")[0]
        token = people.CSRF.search(page.text).group(1)
        form = {"csrf_token": token, "display_name": ""}
        # over https a form must also say it comes from our own pages, as browsers do
        without_referer = phone.post(f"{server.url}/w/{code}/join", data=form, timeout=10,
                                     allow_redirects=False, headers={**proxy, "Cookie": cookie})
        assert without_referer.status_code == 400
        joined = phone.post(f"{server.url}/w/{code}/join", data=form, timeout=10,
                            allow_redirects=False, headers={
                                **proxy, "Cookie": cookie,
                                "Referer": f"{PUBLIC}/w/{code}/join"})
        assert joined.status_code == 302, joined.text
        assert joined.headers["Location"] == f"/w/{code}/"
        cookie = joined.headers["Set-Cookie"].split(";")[0]
        assert speaks_engine_io(server.url, PUBLIC, cookie, code, proxy)
        assert not speaks_engine_io(server.url, "https://evil.example", cookie, code, proxy)
        assert not speaks_engine_io(server.url, PUBLIC, "", code, proxy)  # a stranger
    finally:
        phone.close()
        server.stop()
