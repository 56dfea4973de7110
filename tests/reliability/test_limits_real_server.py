"""The limits on a real ``python app.py``, met the way the outside tester met them: one phone
joining again and again, a ward joining at once behind one address, and a guesser on the
hospital Wi-Fi while the facilitator opens their private link on another computer."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import requests

from facilitation.services.limits import Rates, rate
from tests.conftest import ServerProcess
from tests.phones import CSRF, WAIT, Phone, join, start_workshop

JOINED = re.compile(r"<strong>(\d+)</strong> (?:person has|people have) joined")
PRIVATE_LINK = re.compile(r"(/w/[A-Z0-9]+/f/[A-Za-z0-9_-]+)</code>")


def joined(base: str, facilitator: Phone) -> int:
    page = facilitator.http.get(f"{base}/w/{facilitator.code}/facilitate", timeout=WAIT).text
    return int(JOINED.search(page).group(1))


def test_joining_again_and_again_from_one_browser_is_limited(server) -> None:
    """The browser keeps its cookie from before it joined and sends it again each time,
    so each join looks like its first: 40 tries, and only the device's allowance gets in."""
    base = server.url
    facilitator = start_workshop(base)
    code = facilitator.code
    phone = Phone(code)
    token = CSRF.search(phone.http.get(f"{base}/w/{code}/join", timeout=WAIT).text).group(1)
    before_joining = phone.http.cookies.copy()
    answers = []
    for _ in range(40):
        phone.http.cookies = before_joining.copy()
        answers.append(phone.http.post(f"{base}/w/{code}/join",
                                       data={"display_name": "", "csrf_token": token},
                                       allow_redirects=False, timeout=WAIT))
    allowance = rate(Rates().joins_per_device).amount
    assert [a.status_code for a in answers] == [302] * allowance + [429] * (40 - allowance)
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) >= 1
    assert "This browser has joined many times in the last few minutes" in refused.text
    assert joined(base, facilitator) == allowance

    # The allowance is the browser's, whichever workshop it joins.
    other = start_workshop(base, "Another ward")
    phone.http.cookies = before_joining.copy()
    elsewhere = phone.http.post(f"{base}/w/{other.code}/join",
                                data={"display_name": "", "csrf_token": token},
                                allow_redirects=False, timeout=WAIT)
    assert elsewhere.status_code == 429
    # Everyone else on the same network still joins.
    join(base, code)
    assert joined(base, facilitator) == allowance + 1


def test_a_whole_ward_behind_one_address_joins_at_once(server) -> None:
    """Sixty phones, all from 127.0.0.1 as from behind one hospital NAT, join one after
    another as fast as they can (well within 30 seconds): every one gets in."""
    facilitator = start_workshop(server.url)
    phones = [join(server.url, facilitator.code) for _ in range(60)]  # join asserts 302
    assert len(phones) == 60
    assert joined(server.url, facilitator) == 60


@pytest.fixture()
def guarded_server(tmp_path: Path):
    """A server that locks an address out after 3 wrong codes for two minutes."""
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", env={
        **os.environ, "APPRECIATE_LIMIT_WRONG_CODES": "3 per 2 minutes"}).start()
    yield process
    process.stop()


def test_the_facilitators_link_works_while_their_network_is_locked_out(guarded_server) -> None:
    base = guarded_server.url
    facilitator = start_workshop(base)
    code = facilitator.code
    link = PRIVATE_LINK.search(facilitator.http.get(f"{base}/w/{code}/facilitate",
                                                    timeout=WAIT).text).group(1)
    member = join(base, code)
    guesser = requests.Session()
    for guess in range(30):  # until the address is locked out
        if guesser.get(f"{base}/w/ZZZZ{guess:02d}/join", timeout=WAIT).status_code == 429:
            break
    newcomer = requests.get(f"{base}/w/{code}/join", timeout=WAIT)
    assert newcomer.status_code == 429, "the address should be locked out by now"
    assert "Too many join codes" in newcomer.text

    # The facilitator opens their private link on the projector's computer, on the same
    # network, and runs the room from there, live.
    projector = Phone(code)
    opened = projector.http.get(base + link, allow_redirects=False, timeout=WAIT)
    assert opened.status_code == 302, opened.text
    assert projector.http.get(f"{base}/w/{code}/facilitate", timeout=WAIT).status_code == 200
    moved = projector.post(base, f"/w/{code}/move", {"direction": "forward"},
                           page=f"/w/{code}/facilitate")
    assert moved.status_code == 302
    projector.connect(base)
    # The person who had already joined carries on, live too.
    assert member.http.get(f"{base}/w/{code}/", timeout=WAIT).status_code == 200
    member.connect(base)
    reply = member.contribute("arrival-hopes", "Still here", "still-here-0001")
    assert reply["ok"] is True
    for phone in (projector, member):
        phone.close()
