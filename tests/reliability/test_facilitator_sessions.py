"""The facilitator's key never rides in the cookie.

The session cookie is signed, not encrypted, so these tests read it as anyone holding it
could: with itsdangerous and the app's secret key. Signing in (creating a workshop, or the
private link) starts a session on the server and the cookie holds only its random token;
Sign out, twelve idle hours, a new private link and deleting the workshop each end sessions,
after which a copy of the old cookie opens nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, update

from facilitation import runtime_of
from facilitation.services import facilitator_sessions
from facilitation.services import workshops as workshop_service
from facilitation.store.models import FacilitatorSession
from tests.integration.room import Person, start_workshop
from tests.reading import words

PRIVATE_LINK = re.compile(r"/w/([A-Z0-9]+)/f/([A-Za-z0-9_-]+)")


def cookie_of(app: Flask, client: FlaskClient) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def decoded(app: Flask, raw: str) -> dict:
    """What the cookie says, read with itsdangerous and the app's secret key."""
    serializer = app.session_interface.get_signing_serializer(app)
    assert isinstance(serializer, URLSafeTimedSerializer)
    return serializer.loads(raw)


def private_key_on(page: str) -> str:
    found = PRIVATE_LINK.search(page)
    assert found, "the page shows no private link"
    return found.group(2)


def sessions_of(app: Flask, code: str) -> list[FacilitatorSession]:
    runtime = runtime_of(app)
    workshop_id = workshop_service.find(runtime, code).id
    with runtime.store.reading() as db:
        return list(db.scalars(select(FacilitatorSession)
                               .where(FacilitatorSession.workshop_id == workshop_id)))


def browser_with(app: Flask, raw_cookie: str) -> FlaskClient:
    """Another browser, holding a copy of someone's cookie."""
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], raw_cookie)
    return client


def test_the_cookie_holds_a_token_and_never_the_key(make_app) -> None:
    app = make_app()
    creator = start_workshop(app)
    code = creator.code
    key = private_key_on(creator.http.get(f"/w/{code}/define").get_data(as_text=True))
    other_device = app.test_client()
    assert other_device.get(f"/w/{code}/f/{key}").status_code == 302

    for browser in (creator.http, other_device):
        raw = cookie_of(app, browser)
        said = decoded(app, raw)
        assert key not in raw and key not in json.dumps(said)
        token = said["w"][code]["s"]
        assert said["w"][code] == {"s": token} and len(token) >= 43
        # The database holds the token's hash, never the token or the key.
        stored = {s.token_hash for s in sessions_of(app, code)}
        assert hashlib.sha256(token.encode()).hexdigest() in stored
        assert token not in repr([vars(s) for s in sessions_of(app, code)])
        # And the facilitator still sees their private link on their own pages.
        page = browser.get(f"/w/{code}/facilitate").get_data(as_text=True)
        assert private_key_on(page) == key


def test_sign_out_makes_a_copy_of_the_cookie_useless(make_app) -> None:
    app = make_app()
    facilitator = start_workshop(app)
    control = f"/w/{facilitator.code}/facilitate"
    copied = cookie_of(app, facilitator.http)
    assert browser_with(app, copied).get(control).status_code == 200  # the copy is a way in

    key = private_key_on(facilitator.http.get(control).get_data(as_text=True))

    signed_out = facilitator.post(f"/w/{facilitator.code}/sign-out", {}, page=control)
    assert signed_out.status_code == 200
    assert "You are signed out" in words(signed_out.get_data(as_text=True))
    assert facilitator.http.get(control).status_code == 403
    assert browser_with(app, copied).get(control).status_code == 403
    assert sessions_of(app, facilitator.code) == []
    # The private link signs in again, with a new session.
    assert facilitator.http.get(f"/w/{facilitator.code}/f/{key}").status_code == 302
    assert facilitator.http.get(control).status_code == 200
    assert browser_with(app, copied).get(control).status_code == 403


def test_twelve_idle_hours_end_a_session_and_a_visit_before_them_keeps_it(make_app) -> None:
    app = make_app()
    facilitator = start_workshop(app)
    control = f"/w/{facilitator.code}/facilitate"

    def last_visit_hours_ago(hours: float) -> None:
        with runtime_of(app).store.transaction() as db:
            db.execute(update(FacilitatorSession).values(
                last_seen_at=datetime.now(UTC) - timedelta(hours=hours)))

    last_visit_hours_ago(11.5)
    assert facilitator.http.get(control).status_code == 200
    seen = sessions_of(app, facilitator.code)[0].last_seen_at.replace(tzinfo=UTC)
    assert datetime.now(UTC) - seen < timedelta(minutes=1)  # the visit is recorded again
    last_visit_hours_ago(12.5)
    assert facilitator.http.get(control).status_code == 403
    assert sessions_of(app, facilitator.code) == []


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # one app, a workshop each
@given(idle=st.floats(min_value=0, max_value=48 * 3600, allow_nan=False))
def test_a_session_is_live_exactly_while_its_idle_time_is_under_twelve_hours(app,
                                                                           idle: float) -> None:
    runtime = runtime_of(app)
    workshop, key = workshop_service.create(runtime, "team-90-minutes")
    started = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    token = facilitator_sessions.start(runtime, workshop.id, key, now=started)
    later = started + timedelta(seconds=idle)
    live = facilitator_sessions.signed_in(runtime, workshop.id, token, now=later)
    if idle <= facilitator_sessions.IDLE.total_seconds():
        assert live is not None and live.key == key
    else:
        assert live is None
        # and ended: not even a visit at the start time brings it back
        assert facilitator_sessions.signed_in(runtime, workshop.id, token, now=started) is None
    assert facilitator_sessions.signed_in(runtime, workshop.id + 1, token, now=started) is None


def test_deleting_the_workshop_ends_every_session_of_it(make_app) -> None:
    app = make_app()
    facilitator = start_workshop(app)
    code = facilitator.code
    key = private_key_on(facilitator.http.get(f"/w/{code}/facilitate").get_data(as_text=True))
    tablet = app.test_client()
    assert tablet.get(f"/w/{code}/f/{key}").status_code == 302
    copied = cookie_of(app, tablet)
    workshop_id = workshop_service.find(runtime_of(app), code).id
    assert len(sessions_of(app, code)) == 2

    deleted = facilitator.post(f"/w/{code}/delete", {"confirm_code": code},
                               page=f"/w/{code}/delete")
    assert deleted.status_code == 200
    with runtime_of(app).store.reading() as db:
        left = db.scalars(select(FacilitatorSession.token_hash)
                          .where(FacilitatorSession.workshop_id == workshop_id)).all()
    assert left == []
    assert browser_with(app, copied).get(f"/w/{code}/facilitate").status_code == 404


def test_a_new_private_link_ends_every_other_session_and_the_old_link(make_app) -> None:
    app = make_app()
    facilitator = start_workshop(app)
    code = facilitator.code
    control = f"/w/{code}/facilitate"
    old_key = private_key_on(facilitator.http.get(control).get_data(as_text=True))
    tablet = app.test_client()
    assert tablet.get(f"/w/{code}/f/{old_key}").status_code == 302
    assert tablet.get(control).status_code == 200

    replaced = facilitator.post(f"/w/{code}/private-link", {}, page=control)
    assert replaced.status_code == 302
    page = facilitator.http.get(replaced.headers["Location"]).get_data(as_text=True)
    new_key = private_key_on(page)
    assert new_key != old_key and "This is your new private link" in page
    assert len(sessions_of(app, code)) == 1  # only the browser that asked, signed in anew
    assert tablet.get(control).status_code == 403
    assert app.test_client().get(f"/w/{code}/f/{old_key}").status_code == 403
    assert tablet.get(f"/w/{code}/f/{new_key}").status_code == 302
    assert tablet.get(control).status_code == 200


def test_a_backup_holds_no_session(make_app) -> None:
    app = make_app()
    facilitator = start_workshop(app)
    code = facilitator.code
    token = decoded(app, cookie_of(app, facilitator.http))["w"][code]["s"]
    (session,) = sessions_of(app, code)
    backup = facilitator.http.get(f"/w/{code}/export.json")
    assert backup.status_code == 200
    text = backup.get_data(as_text=True)
    assert "facilitator_sessions" not in json.loads(text)["tables"]
    for secret in (token, session.token_hash, session.sealed_key):
        assert secret and secret not in text


def test_a_cookie_from_before_sessions_loses_its_key_and_stays_signed_in(make_app) -> None:
    """Cookies made before this change held ``{"f": key, "t": last visit}``: the first visit
    takes the key out, and one still within its idle time becomes a session."""
    app = make_app()
    runtime = runtime_of(app)
    workshop, key = workshop_service.create(runtime, "team-90-minutes")
    stale_workshop, stale_key = workshop_service.create(runtime, "team-90-minutes")
    browser = Person(app.test_client(), code=workshop.code)
    with browser.http.session_transaction() as cookie:
        cookie["w"] = {workshop.code: {"f": key, "t": int(time.time()) - 3600},
                       stale_workshop.code: {"f": stale_key, "t": int(time.time()) - 13 * 3600}}

    assert browser.http.get(f"/w/{workshop.code}/facilitate").status_code == 200
    assert browser.http.get(f"/w/{stale_workshop.code}/facilitate").status_code == 403
    said = decoded(app, cookie_of(app, browser.http))
    assert key not in json.dumps(said) and stale_key not in json.dumps(said)
    assert set(said["w"]) == {workshop.code}
    assert set(said["w"][workshop.code]) == {"s"}
    page = browser.http.get(f"/w/{workshop.code}/facilitate").get_data(as_text=True)
    assert private_key_on(page) == key
