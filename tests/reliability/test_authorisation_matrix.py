"""Who may do what, over every HTTP route and every Socket.IO event.

The routes come from ``app.url_map`` and the events from the Socket.IO server's handlers, so
a new route or event without a row in the tables below fails this file until someone says
what each of the four people may do with it. Every denied request is also checked to have
changed nothing in workshop A, and nothing done in workshop B reaches A.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from .world import ACTORS, FACILITATOR_A, PARTICIPANT_A, PARTICIPANT_B, STRANGER, World


@dataclass(frozen=True)
class Outcome:
    """An HTTP status and, for a redirect, the path it leads to (a pattern; {code} is the
    workshop's code)."""

    status: int
    location: str | None = None

    def check(self, response: TestResponse, code: str, label: str) -> None:
        assert response.status_code == self.status, (
            f"{label}: expected {self.status}, got {response.status_code}")
        if self.location is not None:
            pattern = self.location.replace("{code}", code)
            location = response.headers.get("Location", "")
            assert re.fullmatch(pattern, location), f"{label}: redirected to {location!r}"


OK = Outcome(200)
DENIED = Outcome(403)
INVALID = Outcome(400)
NOT_FOUND = Outcome(404)
CONFLICT = Outcome(409)


def to(path: str) -> Outcome:
    return Outcome(302, path)


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ACTORS, outcome)


def facilitator_only(allowed: Outcome) -> dict[str, Outcome]:
    return {**everyone(DENIED), FACILITATOR_A: allowed}


def participant_only(allowed: Outcome) -> dict[str, Outcome]:
    return {**everyone(DENIED), PARTICIPANT_A: allowed}


@dataclass(frozen=True)
class Route:
    """What each person gets; ``form`` is posted with the person's own CSRF token;
    ``may_change`` are the people whose request may change workshop A."""

    expect: dict[str, Outcome]
    form: dict[str, str] = field(default_factory=dict)
    url_args: dict[str, str] = field(default_factory=dict)
    may_change: frozenset[str] = frozenset()


CONTRIBUTION = {"activity": "arrival-hopes", "text": "A matrix card", "client_id": "matrix-0001"}
ROOM = r"/w/{code}/"
JOIN_PAGE = r"/w/{code}/join"
CONTROL = r"/w/{code}/facilitate"

HTTP_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/"): Route(everyone(OK)),
    ("POST", "/join"): Route(everyone(to(JOIN_PAGE)), form={"code": "{code}"}),
    # The QR code's short link is the join page itself (no redirect on a slow network).
    ("GET", "/j/<code>"): Route({STRANGER: OK, PARTICIPANT_A: to(ROOM),
                                 PARTICIPANT_B: OK, FACILITATOR_A: to(CONTROL)}),
    ("GET", "/start"): Route(everyone(OK)),
    # Anyone may start a workshop of their own; it touches no other.
    ("POST", "/start"): Route(everyone(to(r"/w/[A-Z0-9]+/define")),
                              form={"plan": "team-90-minutes"}),
    # The private link is the facilitator's capability; a wrong key opens nothing for anyone.
    ("GET", "/w/<code>/f/<key>"): Route(everyone(DENIED), url_args={"key": "not-the-key"}),
    ("GET", "/w/<code>/define"): Route(facilitator_only(OK)),
    ("POST", "/w/<code>/define"): Route(
        facilitator_only(to(r"/w/{code}/lobby")),
        form={"title": "Renamed", "topic_title": "Kindness", "topic_question": "When?"},
        may_change=frozenset({FACILITATOR_A})),
    ("GET", "/w/<code>/lobby"): Route(facilitator_only(OK)),
    ("GET", "/w/<code>/facilitate"): Route(facilitator_only(OK)),
    ("GET", "/w/<code>/projector"): Route(facilitator_only(OK)),
    ("POST", "/w/<code>/move"): Route(facilitator_only(to(CONTROL)),
                                      form={"direction": "forward"},
                                      may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/activity"): Route(facilitator_only(to(CONTROL)),
                                          form={"activity": "arrival-hopes"},
                                          may_change=frozenset({FACILITATOR_A})),
    # Big rooms: the seating choice and the plenary's pages of every card.
    ("POST", "/w/<code>/seating"): Route(facilitator_only(to(CONTROL)),
                                         form={"seating": "tables"},
                                         may_change=frozenset({FACILITATOR_A})),
    ("GET", "/w/<code>/plenary"): Route(facilitator_only(OK)),
    # The join code is public on the projector; the QR code only repeats it.
    ("GET", "/w/<code>/qr.svg"): Route(everyone(OK)),
    ("GET", "/w/<code>/join"): Route({STRANGER: OK, PARTICIPANT_A: to(ROOM),
                                      PARTICIPANT_B: OK, FACILITATOR_A: to(CONTROL)}),
    # Joining with the code is what the code is for: a newcomer (or someone from B) joins A.
    ("POST", "/w/<code>/join"): Route({STRANGER: to(ROOM), PARTICIPANT_A: to(ROOM),
                                       PARTICIPANT_B: to(ROOM), FACILITATOR_A: to(CONTROL)},
                                      form={"display_name": "New person"},
                                      may_change=frozenset({STRANGER, PARTICIPANT_B})),
    ("GET", "/w/<code>/"): Route({STRANGER: to(JOIN_PAGE), PARTICIPANT_A: OK,
                                  PARTICIPANT_B: to(JOIN_PAGE), FACILITATOR_A: to(CONTROL)}),
    # All of a long list a phone was sent only part of; the facilitator has the projector.
    ("GET", "/w/<code>/board"): Route({STRANGER: to(JOIN_PAGE), PARTICIPANT_A: OK,
                                       PARTICIPANT_B: to(JOIN_PAGE),
                                       FACILITATOR_A: to(r"/w/{code}/projector")}),
    ("POST", "/w/<code>/contribute"): Route(
        {STRANGER: DENIED, PARTICIPANT_A: to(r"/w/{code}/\?sent=matrix-0001"),
         PARTICIPANT_B: DENIED, FACILITATOR_A: to(r"/w/{code}/\?sent=matrix-0001")},
        form=CONTRIBUTION, may_change=frozenset({PARTICIPANT_A, FACILITATOR_A})),
    ("GET", "/w/<code>/state"): Route({STRANGER: DENIED, PARTICIPANT_A: OK,
                                       PARTICIPANT_B: DENIED, FACILITATOR_A: OK}),
    ("GET", "/w/<code>/delete"): Route(facilitator_only(OK)),
    ("POST", "/w/<code>/delete"): Route(facilitator_only(OK), form={"confirm_code": "{code}"},
                                        may_change=frozenset({FACILITATOR_A})),
    # Signing out ends only the asker's own facilitator session (its row is the change):
    # anyone may, nobody else loses.
    ("POST", "/w/<code>/sign-out"): Route(everyone(OK), may_change=frozenset({FACILITATOR_A})),
    # A new private link: the old key and every facilitator session of A end.
    ("POST", "/w/<code>/private-link"): Route(facilitator_only(to(CONTROL + r"\?link=new")),
                                              may_change=frozenset({FACILITATOR_A})),
    # ---- added with Discover, Dream/Design/Deliver, reports and languages ----------------
    ("GET", "/accessibility"): Route(everyone(OK)),
    # Choosing a language only changes the asker's own session.
    ("POST", "/language"): Route(everyone(to("/")), form={"lang": "cy", "next": "/"}),
    ("GET", "/w/<code>/report"): Route(facilitator_only(OK)),
    ("GET", "/w/<code>/export.<fmt>"): Route(facilitator_only(OK), url_args={"fmt": "md"}),
    ("GET", "/w/<code>/me"): Route(participant_only(OK)),
    # Wording advice is worked out from the text sent and stores nothing; outsiders get none.
    ("POST", "/w/<code>/design/hints"): Route(
        {STRANGER: Outcome(204), PARTICIPANT_A: OK, PARTICIPANT_B: Outcome(204),
         FACILITATOR_A: OK}, form={"text": "We will try"}),
    # Facilitator's tools. In Define with nothing on the board, most answer "not now" or
    # "not found"; what matters here is that nobody else gets past the door.
    ("POST", "/w/<code>/pairs"): Route(facilitator_only(CONFLICT)),
    ("POST", "/w/<code>/timer"): Route(facilitator_only(to(CONTROL)), form={"action": "start"},
                                       may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/settings"): Route(facilitator_only(to(CONTROL)),
                                          form={"change": "locked=on"},
                                          may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/moderate"): Route(facilitator_only(NOT_FOUND),
                                          form={"item": "contribution:999", "hidden": "yes"}),
    ("POST", "/w/<code>/spotlight"): Route(facilitator_only(to(CONTROL)), form={"item": ""},
                                           may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/review"): Route(facilitator_only(to(CONTROL)),
                                        form={"review_date": "2030-01-01"},
                                        may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/dots"): Route(facilitator_only(CONFLICT), form={"dots": "4"}),
    ("POST", "/w/<code>/design/areas"): Route(facilitator_only(to(CONTROL)),
                                              form={"name": "New area"},
                                              may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/design/areas/remove"): Route(facilitator_only(INVALID),
                                                     form={"area": "999"}),
    ("POST", "/w/<code>/design/areas/rename"): Route(facilitator_only(INVALID),
                                                     form={"area": "999", "name": "Renamed"}),
    ("POST", "/w/<code>/teams/offer"): Route(facilitator_only(INVALID)),
    ("POST", "/w/<code>/teams/<int:team_id>/remove"): Route(facilitator_only(NOT_FOUND),
                                                            url_args={"int:team_id": "999"}),
    ("POST", "/w/<code>/themes/new"): Route(facilitator_only(to(CONTROL)),
                                            form={"name": "Kindness"},
                                            may_change=frozenset({FACILITATOR_A})),
    ("POST", "/w/<code>/themes/move"): Route(facilitator_only(NOT_FOUND),
                                             form={"item": "contribution:999", "theme": ""}),
    ("POST", "/w/<code>/themes/undo"): Route(facilitator_only(CONFLICT)),
    ("POST", "/w/<code>/themes/<int:theme_id>/rename"): Route(
        facilitator_only(NOT_FOUND), form={"name": "X"}, url_args={"int:theme_id": "999"}),
    ("POST", "/w/<code>/themes/<int:theme_id>/merge"): Route(
        facilitator_only(NOT_FOUND), form={"into": "998"}, url_args={"int:theme_id": "999"}),
    ("POST", "/w/<code>/themes/<int:theme_id>/split"): Route(
        facilitator_only(NOT_FOUND), form={"name": "X", "item": "contribution:999"},
        url_args={"int:theme_id": "999"}),
    ("POST", "/w/<code>/themes/<int:theme_id>/delete"): Route(
        facilitator_only(NOT_FOUND), url_args={"int:theme_id": "999"}),
    ("POST", "/w/<code>/themes/suggestions/accept"): Route(
        facilitator_only(NOT_FOUND),
        form={"label": "L", "signature": "abc", "item": "contribution:999"}),
    ("POST", "/w/<code>/themes/suggestions/reject"): Route(
        facilitator_only(to(CONTROL)), form={"signature": "abc"},
        may_change=frozenset({FACILITATOR_A})),
    # Participants' own actions; in Define they are "not now" (or "no such thing").
    ("POST", "/w/<code>/pair/code"): Route(participant_only(CONFLICT)),
    ("POST", "/w/<code>/pair/join"): Route(participant_only(CONFLICT), form={"pair_code": "1234"}),
    ("POST", "/w/<code>/pair/swap"): Route(participant_only(CONFLICT)),
    ("POST", "/w/<code>/story"): Route(participant_only(CONFLICT),
                                       form={"headline": "A story", "sharing": "room"}),
    ("POST", "/w/<code>/quote"): Route(participant_only(NOT_FOUND),
                                       form={"story": "999", "answer": "yes"}),
    ("POST", "/w/<code>/dreams"): Route(participant_only(INVALID), form={"text": "We are kind"}),
    ("POST", "/w/<code>/votes"): Route(participant_only(CONFLICT),
                                       form={"target": "contribution:999", "change": "add"}),
    ("POST", "/w/<code>/design/propositions"): Route(
        participant_only(INVALID), form={"text": "We welcome everyone", "area": "999"}),
    ("POST", "/w/<code>/design/propositions/<int:proposition_id>"): Route(
        participant_only(INVALID), form={"text": "We welcome all"},
        url_args={"int:proposition_id": "999"}),
    ("GET", "/w/<code>/design/propositions/<int:proposition_id>/edit"): Route(
        participant_only(NOT_FOUND), url_args={"int:proposition_id": "999"}),
    ("POST", "/w/<code>/commitments"): Route(
        participant_only(INVALID),
        form={"what": "Say hello", "due_date": "2030-01-01", "first_step": "Ask",
              "first_step_due": "2029-12-30", "kind": "personal"}),
    ("POST", "/w/<code>/commitments/<int:commitment_id>/withdraw"): Route(
        participant_only(NOT_FOUND), url_args={"int:commitment_id": "999"}),
    ("POST", "/w/<code>/teams"): Route(participant_only(CONFLICT), form={"name": "Team"}),
    ("POST", "/w/<code>/teams/<int:team_id>/join"): Route(participant_only(CONFLICT),
                                                          url_args={"int:team_id": "999"}),
    ("POST", "/w/<code>/teams/<int:team_id>/leave"): Route(participant_only(NOT_FOUND),
                                                           url_args={"int:team_id": "999"}),
    ("POST", "/w/<code>/pulse"): Route(
        participant_only(CONFLICT),
        form={"answer_1": "4", "answer_2": "4", "answer_3": "4", "answer_4": "4",
              "word": "hopeful"}),
}


def app_routes(app: Flask) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_a_row_in_the_table(world: World) -> None:
    missing = app_routes(world.app) - set(HTTP_ROUTES)
    stale = set(HTTP_ROUTES) - app_routes(world.app)
    assert not missing, ("Routes with no authorisation row: add each to HTTP_ROUTES in "
                         f"{__file__}: {sorted(missing)}")
    assert not stale, f"Rows for routes that no longer exist: {sorted(stale)}"


def request(world: World, actor: str, method: str, rule: str, route: Route,
            code: str) -> TestResponse:
    person = world.people[actor]
    path = rule.replace("<code>", code)
    for name, value in route.url_args.items():
        path = path.replace(f"<{name}>", value)
    if method == "GET":
        return person.http.get(path)
    form = {name: value.replace("{code}", code) for name, value in route.form.items()}
    return person.post(path, form)


@pytest.mark.parametrize(("method", "rule"), sorted(HTTP_ROUTES))
def test_each_person_gets_exactly_what_they_may(world: World, method: str, rule: str) -> None:
    route = HTTP_ROUTES[(method, rule)]
    # Those who may change A go last, so every other request meets A as it was.
    for actor in sorted(ACTORS, key=lambda actor: actor in route.may_change):
        before_a, before_b = world.snapshot(world.a), world.snapshot(world.b)
        response = request(world, actor, method, rule, route, world.a)
        route.expect[actor].check(response, world.a, f"{actor}: {method} {rule}")
        if world.snapshot(world.b) != before_b:
            pytest.fail(f"{actor}: {method} {rule} at A's address changed workshop B")
        if actor not in route.may_change and world.snapshot(world.a) != before_a:
            pytest.fail(f"{actor}: {method} {rule} changed workshop A")


@pytest.mark.parametrize(("method", "rule"), sorted(r for r in HTTP_ROUTES if "<code>" in r[1]))
def test_the_facilitator_of_a_is_a_stranger_to_b(world: World, method: str, rule: str) -> None:
    """Nothing crosses the other way either: A's facilitator at B's address gets exactly
    what a stranger gets there."""
    route = HTTP_ROUTES[(method, rule)]
    before_a = world.snapshot(world.a)
    response = request(world, FACILITATOR_A, method, rule, route, world.b)
    route.expect[STRANGER].check(response, world.b, f"facilitator of A at B: {method} {rule}")
    assert world.snapshot(world.a) == before_a


def test_every_form_refuses_a_request_without_its_csrf_token(world: World) -> None:
    posts = sorted(r for r in HTTP_ROUTES if r[0] == "POST")
    assert posts
    for _method, rule in posts:
        route = HTTP_ROUTES[("POST", rule)]
        for actor in ACTORS:
            before = world.snapshot(world.a)
            form = {k: v.replace("{code}", world.a) for k, v in route.form.items()}
            path = rule.replace("<code>", world.a)
            for name, value in route.url_args.items():
                path = path.replace(f"<{name}>", value)
            response = world.people[actor].http.post(path, data=form)
            assert response.status_code == 400, f"{actor}: POST {rule} without a token"
            assert "This form had expired" in response.get_data(as_text=True)
            # a token from someone else's session is no better
            stolen = world.people[PARTICIPANT_B].http.get("/").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', stolen).group(1)
            if actor != PARTICIPANT_B:
                response = world.people[actor].http.post(path, data={**form, "csrf_token": token})
                assert response.status_code == 400, f"{actor}: POST {rule} with B's token"
            assert world.snapshot(world.a) == before


# ---- Socket.IO ----------------------------------------------------------------------------

REFUSED = "refused"
ACCEPTED = "ok"


@dataclass(frozen=True)
class Event:
    """What each connected person's acknowledgement says. A stranger cannot connect at all
    (the ``connect`` row), so has no column here; B's participant sends on their own
    connection, which belongs to B."""

    payload: dict[str, object]
    expect: dict[str, str]


CONNECTION_RULES = {STRANGER: REFUSED, PARTICIPANT_A: ACCEPTED, PARTICIPANT_B: REFUSED,
                    FACILITATOR_A: ACCEPTED}
EVENTS: dict[str, Event | None] = {
    "connect": None,  # CONNECTION_RULES
    "disconnect": None,  # nothing to authorise: anyone may leave
    "contribute": Event(CONTRIBUTION, {PARTICIPANT_A: ACCEPTED, FACILITATOR_A: ACCEPTED,
                                       PARTICIPANT_B: ACCEPTED}),
    "move": Event({"direction": "forward"}, {PARTICIPANT_A: REFUSED, FACILITATOR_A: ACCEPTED,
                                             PARTICIPANT_B: REFUSED}),
    "choose_activity": Event({"activity": "arrival-hopes"},
                             {PARTICIPANT_A: REFUSED, FACILITATOR_A: ACCEPTED,
                              PARTICIPANT_B: REFUSED}),
    "*": Event({"anything": 1}, dict.fromkeys((PARTICIPANT_A, FACILITATOR_A, PARTICIPANT_B),
                                              REFUSED)),
}


def test_every_event_has_a_row_in_the_table(world: World) -> None:
    handlers = set(world.socketio.server.handlers["/"])
    assert handlers - set(EVENTS) == set(), (
        f"Socket.IO events with no authorisation row: add each to EVENTS in {__file__}")
    assert set(EVENTS) - handlers == set(), "Rows for events that no longer exist"


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_open_a_live_connection_to_a(world: World, actor: str) -> None:
    person = world.people[actor]
    client = world.socketio.test_client(world.app, flask_test_client=person.http,
                                        auth={"workshop": world.a})
    assert client.is_connected() == (CONNECTION_RULES[actor] == ACCEPTED)
    # and nobody gets in without naming a workshop, or with a code that does not exist
    for auth in (None, {}, {"workshop": 7}, {"workshop": "ZZZZZZ"}):
        assert not world.socketio.test_client(world.app, flask_test_client=person.http,
                                              auth=auth).is_connected()


@pytest.mark.parametrize("event", sorted(e for e, row in EVENTS.items() if row))
@pytest.mark.parametrize("actor", (PARTICIPANT_A, FACILITATOR_A, PARTICIPANT_B))
def test_each_event_does_exactly_what_the_sender_may(world: World, event: str,
                                                      actor: str) -> None:
    row = EVENTS[event]
    assert row is not None
    watcher = world.people[PARTICIPANT_A] if actor != PARTICIPANT_A else world.people[
        FACILITATOR_A]
    watcher.connect(world.socketio, world.app)
    sender = world.people[actor]
    sender.connect(world.socketio, world.app)
    watcher.fragments()
    before_a = world.snapshot(world.a)

    name = event if event != "*" else f"no-such-event-{secrets.token_hex(2)}"
    reply = sender.emit(name, dict(row.payload))

    expected = row.expect[actor]
    assert reply["ok"] is (expected == ACCEPTED), f"{actor}: {event} -> {reply}"
    if expected == REFUSED:
        assert isinstance(reply["error"], str) and reply["error"]
    reaches_a = expected == ACCEPTED and actor != PARTICIPANT_B
    assert bool(watcher.fragments()) is reaches_a
    if not reaches_a:
        assert world.snapshot(world.a) == before_a
