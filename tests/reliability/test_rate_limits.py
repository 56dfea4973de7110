"""Floods and code guessing slow down the sender only, with a clear message; nothing is lost."""

from __future__ import annotations

import re
import time

import pytest

from facilitation import runtime_of, socketio_of
from facilitation.services import views
from facilitation.services import workshops as workshop_service
from facilitation.services.limits import Rate, TokenBuckets
from tests.integration.room import Person, csrf_from, join

from .world import FACILITATOR_A, PARTICIPANT_A, build_world


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_one_per_interval() -> None:
    clock = Clock()
    buckets = TokenBuckets(Rate(burst=3, per_second=0.5), clock)
    assert [buckets.take("phone") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("phone") == pytest.approx(2.0)
    assert buckets.take("other phone") == 0  # one sender's flood is theirs alone
    clock.now += 1.0
    assert buckets.wait("phone") == pytest.approx(1.0)
    clock.now += 1.0
    assert buckets.take("phone") == 0
    assert buckets.take("phone") == pytest.approx(2.0)


def test_buckets_forget_senders_who_have_calmed_down() -> None:
    clock = Clock()
    buckets = TokenBuckets(Rate(burst=2, per_second=1.0), clock, max_keys=100)
    for n in range(1000):
        buckets.take(f"address {n}")
        clock.now += 0.01
    clock.now += 10
    buckets.take("one more")
    assert len(buckets._buckets) <= 101


def room_with_limits(make_app, **limits: Rate):
    app = make_app(RATE_LIMITS=limits)
    world = build_world(app, socketio_of(app))
    for person in world.people.values():
        if person.code == world.a and person is not world.people["stranger"]:
            person.connect(world.socketio, app)
            person.fragments()
    return world


def test_a_contribution_flood_is_slowed_with_a_clear_message_and_nothing_is_lost(
        make_app, ledger) -> None:
    world = room_with_limits(make_app, sharing=Rate(burst=3, per_second=2.0))
    person, facilitator = world.people[PARTICIPANT_A], world.people[FACILITATOR_A]
    replies = [person.contribute("arrival-hopes", f"Flood {n}", client_id=f"flood-000{n}")
               for n in range(5)]
    ledger.bad_inputs["contributions over the flood limit"] += 2

    assert [reply["ok"] for reply in replies] == [True, True, True, False, False]
    refused = replies[3]
    assert refused["error"].startswith("You're sending very fast. Please wait 1 seconds")
    assert "your text is kept" in refused["error"]
    assert refused["retry_after"] == 1
    pushed = "".join(facilitator.fragments())
    pushed_cards = set(re.findall(r'id="f?c-(\d+)"', pushed))  # public and control-page cards
    assert len(pushed_cards) == 3 and "Flood 3" not in pushed
    # a retry of something already stored is answered, not refused, even while throttled
    assert person.contribute("arrival-hopes", "Flood 0", client_id="flood-0000")["duplicate"]

    time.sleep(refused["retry_after"])
    again = person.contribute("arrival-hopes", "Flood 3", client_id="flood-0003")
    assert again["ok"] is True
    # someone else in the room was never slowed down
    other = join(world.app, world.a)
    other.connect(world.socketio, world.app)
    assert other.contribute("arrival-hopes", "Meanwhile")["ok"] is True
    state = views.room_state(runtime_of(world.app),
                                        workshop_service.find(runtime_of(world.app), world.a).id)
    bodies = [c.body for c in state.contributions]
    assert bodies == ["Flood 0", "Flood 1", "Flood 2", "Flood 3", "Meanwhile"]


def test_the_plain_form_keeps_the_text_when_slowed_down(make_app) -> None:
    world = room_with_limits(make_app, sharing=Rate(burst=1, per_second=0.5))
    person = world.people[PARTICIPANT_A]
    page = f"/w/{world.a}/"
    first = person.post(f"/w/{world.a}/contribute", {
        "activity": "arrival-hopes", "text": "First", "client_id": "form-flood-1"}, page=page)
    assert first.status_code == 302
    second = person.post(f"/w/{world.a}/contribute", {
        "activity": "arrival-hopes", "text": "Second <b>thought</b>",
        "client_id": "form-flood-2"}, page=page)
    assert second.status_code == 429
    html = second.get_data(as_text=True)
    assert "You&#39;re sending very fast" in html
    assert "Second &lt;b&gt;thought&lt;/b&gt;</textarea>" in html
    assert 'value="form-flood-2"' in html  # the same id, so a resend is stored once


def test_an_event_flood_is_answered_with_a_clear_message(make_app, ledger) -> None:
    world = room_with_limits(make_app, events=Rate(burst=5, per_second=1.0))
    person = world.people[PARTICIPANT_A]
    replies = [person.emit("move", {"direction": "forward"}) for _ in range(4)]
    replies += [person.emit("no-such-event", {}) for _ in range(4)]
    ledger.bad_inputs["events over the flood limit"] += 3
    assert all(reply["ok"] is False for reply in replies)
    assert [r["error"] for r in replies[:5]] == ["Only the facilitator can do that."] * 4 + [
        replies[4]["error"]]
    assert "does not understand" in replies[4]["error"]
    for reply in replies[5:]:
        assert reply["error"].startswith("You're sending very fast.")
        assert reply["retry_after"] >= 1
    # the facilitator's own connection has its own allowance
    assert world.people[FACILITATOR_A].emit("move", {"direction": "forward"})["ok"] is True


def test_guessing_join_codes_is_made_to_wait_but_people_in_a_room_are_not(
        make_app, ledger) -> None:
    app = make_app(RATE_LIMITS={"join_failures": Rate(burst=4, per_second=0.5)})
    world = build_world(app, socketio_of(app))
    guesser = Person(app.test_client(), code="")
    guesses = ["AAAAAA", "BBBBBB", "CCCCCC"]
    for guess in guesses:
        page = guesser.http.get("/").get_data(as_text=True)
        response = guesser.http.post("/join", data={"code": guess,
                                                    "csrf_token": csrf_from(page)})
        assert response.status_code == 404
        assert "No workshop has that code" in response.get_data(as_text=True)
    assert guesser.http.get("/w/DDDDDD/qr.svg").status_code == 404  # every address counts
    ledger.bad_inputs["join codes guessed"] += 4 + 4

    for path in ("/j/" + world.a, f"/w/{world.a}/join", f"/w/{world.a}/qr.svg",
                 "/w/EEEEEE/join"):
        response = guesser.http.get(path)
        assert response.status_code == 429, path
        assert int(response.headers["Retry-After"]) >= 1
        assert "Too many join codes that do not exist were tried from this network" in (
            response.get_data(as_text=True))
    assert not socketio_of(app).test_client(app, flask_test_client=guesser.http,
                                            auth={"workshop": world.a}).is_connected()

    # people already in workshop A, on the same network, carry on as before
    member = world.people[PARTICIPANT_A]
    assert member.http.get(f"/w/{world.a}/").status_code == 200
    assert member.http.get(f"/w/{world.a}/state").status_code == 200
    assert member.connect(world.socketio, app).is_connected()
    assert world.people[FACILITATOR_A].http.get(f"/w/{world.a}/facilitate").status_code == 200
    # and a phone on another network is not affected at all
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert elsewhere.get(f"/w/{world.a}/join").status_code == 200

    time.sleep(2.1)  # one guess's worth of waiting
    assert guesser.http.get(f"/w/{world.a}/join").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_limit(make_app) -> None:
    app = make_app(RATE_LIMITS={"join_failures": Rate(burst=2, per_second=0.01)})
    client = app.test_client()
    statuses = [client.get(f"/w/ZZZZZ{n}/join",
                           headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
                for n in range(4)]
    assert statuses == [404, 404, 429, 429]


def test_behind_a_proxy_each_forwarded_address_has_its_own_allowance(make_app) -> None:
    app = make_app(BEHIND_PROXY=True,
                   RATE_LIMITS={"join_failures": Rate(burst=2, per_second=0.01)})
    client = app.test_client()
    statuses = [client.get(f"/w/ZZZZZ{n}/join",
                           headers={"X-Forwarded-For": f"192.0.2.{n % 2}"}).status_code
                for n in range(6)]
    assert statuses == [404, 404, 404, 404, 429, 429]
