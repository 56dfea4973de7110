"""The limits hold across two ``python app.py`` processes sharing a throw-away Redis (and
PostgreSQL): a guesser or a re-joining phone that alternates between them, as a round-robin
proxy would send it, meets one allowance, not one per process."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pytest
import requests

from tests.conftest import ServerProcess, wait_for_port
from tests.phones import CSRF, WAIT, Phone, join, start_workshop

WRONG_CODES = 4
JOINS_PER_DEVICE = 3
PRIVATE_LINK = re.compile(r"(/w/[A-Z0-9]+/f/[A-Za-z0-9_-]+)</code>")


@pytest.fixture()
def two_processes(tmp_path: Path, postgres_url: str, redis_url: str):
    key = secrets.token_hex(32)
    env = {"APPRECIATE_SECRET_KEY": key, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "APPRECIATE_LIMIT_WRONG_CODES": f"{WRONG_CODES} per 5 minutes",
           "APPRECIATE_LIMIT_JOINS_PER_DEVICE": f"{JOINS_PER_DEVICE} per 5 minutes"}
    processes = [ServerProcess(tmp_path / f"{name}-data", tmp_path / f"{name}.log",
                               "--database", postgres_url, "--message-queue", redis_url,
                               env=env).launch()
                 for name in ("a", "b")]
    try:
        for process in processes:
            wait_for_port(process.port, process.process, timeout=60)
        yield processes
    finally:
        for process in processes:
            process.stop()


def test_a_guesser_alternating_between_processes_meets_one_allowance(two_processes) -> None:
    a, b = two_processes
    facilitator = start_workshop(a.url)
    code = facilitator.code
    link = PRIVATE_LINK.search(facilitator.http.get(f"{a.url}/w/{code}/facilitate",
                                                    timeout=WAIT).text).group(1)
    guesser = requests.Session()
    statuses = [guesser.get(f"{(a, b)[n % 2].url}/w/ZZZZ{n:02d}/join",
                            timeout=WAIT).status_code for n in range(WRONG_CODES + 2)]
    assert statuses == [404] * WRONG_CODES + [429, 429]  # one process alone would allow 4 more
    for process in (a, b):
        assert requests.get(f"{process.url}/w/{code}/join", timeout=WAIT).status_code == 429

    # The facilitator's private link works on either process meanwhile.
    for process in (b, a):
        laptop = Phone(code)
        opened = laptop.http.get(process.url + link, allow_redirects=False, timeout=WAIT)
        assert opened.status_code == 302, opened.text
        assert laptop.http.get(f"{process.url}/w/{code}/facilitate",
                               timeout=WAIT).status_code == 200


def test_a_phone_rejoining_through_both_processes_meets_one_allowance(two_processes) -> None:
    a, b = two_processes
    code = start_workshop(a.url).code
    phone = Phone(code)
    token = CSRF.search(phone.http.get(f"{a.url}/w/{code}/join", timeout=WAIT).text).group(1)
    before_joining = phone.http.cookies.copy()
    statuses = []
    for n in range(JOINS_PER_DEVICE + 3):
        phone.http.cookies = before_joining.copy()
        statuses.append(phone.http.post(f"{(a, b)[n % 2].url}/w/{code}/join",
                                        data={"display_name": "", "csrf_token": token},
                                        allow_redirects=False, timeout=WAIT).status_code)
    assert statuses == [302] * JOINS_PER_DEVICE + [429] * 3
    join(b.url, code)  # another phone on the same address joins as usual
