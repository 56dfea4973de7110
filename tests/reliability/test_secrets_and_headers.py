"""Secrets, cookies and headers: what a browser is told to protect, on every page."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from werkzeug.test import TestResponse

from facilitation import runtime_of
from facilitation.services import workshops as workshop_service
from facilitation.services.access import hash_key
from facilitation.web.security import CONTENT_SECURITY_POLICY
from tests.integration.room import start_workshop

from .markup import script_problems
from .world import ACTORS, World


def test_the_secret_key_is_random_private_and_kept(make_app) -> None:
    first, second = make_app(), make_app()
    paths = [Path(app.config["DATA_DIR"]) / "secret_key" for app in (first, second)]
    keys = [path.read_text() for path in paths]
    for path, key in zip(paths, keys, strict=True):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert re.fullmatch(r"[0-9a-f]{64}", key)  # 256 bits from the secrets module
    assert keys[0] != keys[1]
    again = make_app(DATA_DIR=first.config["DATA_DIR"])
    assert again.config["SECRET_KEY"] == keys[0]  # sessions survive a restart


def test_only_a_hash_of_the_facilitator_key_is_stored(make_app) -> None:
    app = make_app()
    facilitator = start_workshop(app)
    control = facilitator.http.get(f"/w/{facilitator.code}/facilitate").get_data(as_text=True)
    private_link = re.search(r"/w/[A-Z0-9]+/f/([A-Za-z0-9_-]+)", control)
    assert private_link
    secret = private_link.group(1)
    workshop = workshop_service.find(runtime_of(app), facilitator.code)
    assert workshop.facilitator_key_hash == hash_key(secret) != secret
    database = Path(app.config["DATA_DIR"]) / "appreciate.sqlite3"
    for path in database.parent.iterdir():
        assert secret.encode() not in path.read_bytes(), path.name


def cookie_flags(response: TestResponse) -> dict[str, str | bool]:
    header = response.headers["Set-Cookie"]
    flags: dict[str, str | bool] = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        flags[name.lower()] = value or True
    return flags


def test_session_cookies_are_httponly_and_samesite_lax(world: World) -> None:
    response = world.app.test_client().get("/start")
    flags = cookie_flags(response)
    assert flags["httponly"] is True
    assert flags["samesite"] == "Lax"
    assert "secure" not in flags  # plain http on the local network: Secure would break it


def test_behind_a_tls_proxy_cookies_are_secure_and_tls_is_pinned(make_app) -> None:
    app = make_app(BEHIND_PROXY=True, PUBLIC_URL="https://workshop.example.nhs.uk")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    response = client.get("/start", headers={"X-Forwarded-Proto": "https",
                                             "X-Forwarded-Host": "workshop.example.nhs.uk",
                                             "X-Forwarded-For": "203.0.113.9"})
    flags = cookie_flags(response)
    assert flags["secure"] is True and flags["httponly"] is True and flags["samesite"] == "Lax"
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    # without the proxy setting, forwarded headers are not believed
    plain = make_app().test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in plain.headers


OPEN_PAGES = {"/", "/start", "/accessibility", "/j/<code>", "/w/<code>/join"}


def test_every_page_carries_the_security_headers_and_no_inline_script(world: World) -> None:
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    gets = sorted({rule.rule for rule in world.app.url_map.iter_rules()
                   if "GET" in rule.methods and rule.endpoint != "static"})
    checked = 0
    for actor in ACTORS:
        person = world.people[actor]
        for rule in gets:
            path = rule.replace("<code>", world.a).replace("<key>", "not-the-key")
            response = person.http.get(path)
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["Referrer-Policy"] == "same-origin"
            if response.mimetype == "text/html":
                # Only pages showing nothing shared (and no private link) may be kept for Back.
                showing = "no-store" if rule not in OPEN_PAGES else "no-cache"
                assert response.headers["Cache-Control"] == showing, (actor, path)
                assert script_problems(response.get_data(as_text=True)) == [], (actor, path)
                checked += 1
    assert checked > 20
    missing = world.app.test_client().get("/no/such/page")
    assert missing.status_code == 404
    assert missing.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
