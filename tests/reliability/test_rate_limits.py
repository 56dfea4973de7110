"""Floods and code guessing slow down the sender only, with a clear message; nothing is lost."""

from __future__ import annotations

import re
import time

from facilitation import runtime_of, socketio_of
from facilitation.services import presence, views
from facilitation.services import workshops as workshop_service
from facilitation.store import Participant
from tests.integration.room import Person, csrf_from, join, start_workshop

from .world import FACILITATOR_A, PARTICIPANT_A, build_world


def room_with_limits(make_app, **limits: str):
    app = make_app(**limits)
    world = build_world(app, socketio_of(app))
    for person in world.people.values():
        if person.code == world.a and person is not world.people["stranger"]:
            person.connect(world.socketio, app)
            person.fragments()
    return world


def test_a_contribution_flood_is_slowed_with_a_clear_message_and_nothing_is_lost(
        make_app, ledger) -> None:
    world = room_with_limits(make_app, LIMIT_SHARING="3 per 2 seconds")
    person, facilitator = world.people[PARTICIPANT_A], world.people[FACILITATOR_A]
    replies = [person.contribute("arrival-hopes", f"Flood {n}", client_id=f"flood-000{n}")
               for n in range(5)]
    ledger.bad_inputs["contributions over the flood limit"] += 2

    assert [reply["ok"] for reply in replies] == [True, True, True, False, False]
    refused = replies[3]
    assert refused["retry_after"] in (1, 2)
    assert refused["error"].startswith(
        f"You're sending very fast. Please wait {refused['retry_after']} seconds")
    assert "your text is kept" in refused["error"]
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
    world = room_with_limits(make_app, LIMIT_SHARING="1 per 2 seconds")
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
    world = room_with_limits(make_app, LIMIT_EVENTS="5 per 10 seconds")
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
    # the facilitator is never slowed down, however fast they go
    facilitator = world.people[FACILITATOR_A]
    assert all("does not understand" in facilitator.emit("no-such-event", {})["error"]
               for _ in range(8))
    assert facilitator.emit("move", {"direction": "forward"})["ok"] is True


def test_guessing_join_codes_is_made_to_wait_but_people_in_a_room_are_not(
        make_app, ledger) -> None:
    app = make_app(LIMIT_WRONG_CODES="4 per 5 seconds")
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

    # the wait ends by itself, as the page said
    wait = int(guesser.http.get(f"/w/{world.a}/join").headers["Retry-After"])
    time.sleep(wait + 0.1)
    assert guesser.http.get(f"/w/{world.a}/join").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_limit(make_app) -> None:
    app = make_app(LIMIT_WRONG_CODES="2 per 100 seconds")
    client = app.test_client()
    statuses = [client.get(f"/w/ZZZZZ{n}/join",
                           headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code
                for n in range(4)]
    assert statuses == [404, 404, 429, 429]


def test_behind_a_proxy_each_forwarded_address_has_its_own_allowance(make_app) -> None:
    app = make_app(BEHIND_PROXY=True, LIMIT_WRONG_CODES="2 per 100 seconds")
    client = app.test_client()
    statuses = [client.get(f"/w/ZZZZZ{n}/join",
                           headers={"X-Forwarded-For": f"192.0.2.{n % 2}"}).status_code
                for n in range(6)]
    assert statuses == [404, 404, 404, 404, 429, 429]


PRIVATE_LINK = re.compile(r"(/w/[A-Z0-9]+/f/[A-Za-z0-9_-]+)</code>")


def test_a_locked_out_network_never_stops_the_facilitator_or_people_already_in(
        make_app) -> None:
    app = make_app(LIMIT_WRONG_CODES="3 per 100 seconds")
    facilitator = start_workshop(app)
    code = facilitator.code
    link = PRIVATE_LINK.search(facilitator.http.get(f"/w/{code}/facilitate")
                               .get_data(as_text=True)).group(1)
    member = join(app, code, "Already here")
    guesser = app.test_client()
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
        assert guesser.get(f"/w/{guess}/join").status_code == 404
    newcomer = app.test_client()  # same network (the test client's one address)
    assert newcomer.get(f"/w/{code}/join").status_code == 429

    # The facilitator opens their private link on the projector's computer.
    projector = Person(app.test_client(), code=code)
    opened = projector.http.get(link)
    assert opened.status_code == 302, opened.get_data(as_text=True)
    assert projector.http.get(f"/w/{code}/facilitate").status_code == 200
    assert projector.http.get(f"/w/{code}/projector").status_code == 200
    assert projector.connect(socketio_of(app), app).is_connected()
    # and the person who already joined carries on
    assert member.http.get(f"/w/{code}/").status_code == 200
    assert member.connect(socketio_of(app), app).is_connected()
    # A wrong key is a wrong guess like any other.
    assert app.test_client().get(f"/w/{code}/f/not-the-key").status_code == 429


def test_people_who_joined_but_never_connected_are_not_counted_present(make_app) -> None:
    """Presence is a count of open live connections, so joins that never open one (a
    script's fake people) are counted as joined, never as present."""
    app = make_app()
    facilitator = start_workshop(app)
    code = facilitator.code
    for _ in range(5):
        join(app, code)
    connected = join(app, code, "Here in person")
    connected.connect(socketio_of(app), app)
    runtime = runtime_of(app)
    workshop = workshop_service.find(runtime, code)
    state = views.room_state(runtime, workshop.id)
    assert (state.joined, state.present) == (6, 1)
    [present] = presence.present_ids(runtime, workshop.id)
    with runtime.store.reading() as db:
        assert db.get(Participant, present).display_name == "Here in person"
