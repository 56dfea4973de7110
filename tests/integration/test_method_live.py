"""Dream, Design and Deliver over the real routes and sockets: each change reaches every
client of the room and no client of another room, and no vote total travels before reveal."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from facilitation.services.limits import Limits, Rates
from tests.reading import words

from .room import Person, join, start_workshop

TALLY = re.compile(r'class="tally|class="result|</strong> dots?\b')


def move(facilitator: Person, steps: int) -> None:
    for _ in range(steps):
        facilitator.post(f"/w/{facilitator.code}/move", {"direction": "forward"},
                         page=f"/w/{facilitator.code}/facilitate")


def page(person: Person) -> str:
    return f"/w/{person.code}/"


def drain(*people: Person) -> None:
    for person in people:
        person.fragments()


@pytest.fixture()
def live(app, socketio):
    facilitator = start_workshop(app)
    people = [join(app, facilitator.code, name) for name in ("Ana", "", "Bo", "")]
    projector = Person(facilitator.http, facilitator.code)  # the same laptop, a second tab
    other = start_workshop(app)
    outsider = join(app, other.code)
    for person in [facilitator, projector, *people, outsider]:
        assert person.connect(socketio, app).is_connected()
    move(facilitator, 3)  # lobby → define → discover → dream
    drain(facilitator, projector, *people, outsider)
    return facilitator, projector, people, outsider


def dream(person: Person, text: str) -> None:
    response = person.post(f"/w/{person.code}/dreams",
                           {"text": text, "client_id": "d" + str(abs(hash(text)))[:20]},
                           page=page(person))
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_dream_reaches_every_screen_of_the_room_and_no_other(live) -> None:
    facilitator, projector, people, outsider = live
    dream(people[1], "We know every new starter by name")
    for person in [facilitator, projector]:  # the screens are sent every dream
        assert "We know every new starter by name" in "".join(person.fragments())
    for person in people:  # each phone is asked to fetch its own ballot again, which lists it
        pushed = "".join(person.fragments())
        assert 'id="my-votes"' in pushed and "part=my-votes" in pushed
        assert "We know every new starter by name" not in pushed  # phones list it only there
        ballot = person.http.get(f"/w/{person.code}/me?part=my-votes").get_data(as_text=True)
        assert "We know every new starter by name" in ballot
    assert outsider.fragments() == []


def test_a_dot_moves_only_the_voters_ballot_and_no_total_travels(live) -> None:
    facilitator, projector, people, outsider = live
    dream(people[0], "We know every new starter by name")
    dream(people[1], "We thank each other at handover")
    drain(facilitator, projector, *people)
    ids = re.findall(r'id="ballot-contribution-(\d+)"', people[0].http.get(
        f"/w/{people[0].code}/me?part=my-votes").get_data(as_text=True))
    for person in people:
        for _ in range(3):
            response = person.post(f"/w/{person.code}/votes",
                                   {"dot": f"add contribution:{ids[0]}"},
                                   page=page(person))
            assert response.status_code == 302
    four = people[3].post(f"/w/{people[3].code}/votes",
                          {"dot": f"add contribution:{ids[1]}"},
                          page=page(people[3]), headers={"HX-Request": "true"})
    assert four.status_code == 400 and "used all 3 of your dots" in four.get_data(as_text=True)
    for person in people:
        pushed = person.fragments()
        assert pushed and all("part=my-votes" in f for f in pushed)  # only a nudge to refetch
        assert len(pushed) == 3  # one per own dot, none for anybody else's
    seen = facilitator.fragments()
    assert seen and "4 of 4 people have placed dots" in seen[-1]
    assert outsider.fragments() == []
    everything = [f for p in [facilitator, projector, *people] for f in p.received]
    assert not any(TALLY.search(f) for f in everything)

    facilitator.post(f"/w/{facilitator.code}/settings", {"change": "revealed=on"},
                     page=f"/w/{facilitator.code}/facilitate")
    for person in [facilitator, projector, *people]:
        assert "12 dots" in words("".join(person.fragments()))
    assert outsider.fragments() == []


def test_an_improved_statement_reaches_everyone_once(live) -> None:
    facilitator, projector, people, outsider = live
    move(facilitator, 1)  # design
    response = people[0].post(f"/w/{people[0].code}/design/propositions",
                              {"text": "We say hello", "area": "plan:0",
                               "client_id": "prop-live-0001"}, page=page(people[0]))
    assert response.status_code == 302
    ballot = people[0].http.get(f"/w/{people[0].code}/me?part=my-votes").get_data(as_text=True)
    pid = re.search(r'id="ballot-proposition-(\d+)"', ballot).group(1)
    drain(facilitator, projector, *people)
    response = people[2].post(f"/w/{people[2].code}/design/propositions/{pid}",
                              {"text": "We greet every new starter by name", "version": "1"},
                              page=page(people[2]))
    assert response.status_code == 302
    for person in [facilitator, projector]:
        assert "We greet every new starter by name" in "".join(person.fragments())
    for person in people:  # a phone reads the statements in its own ballot, fetched again
        assert "part=my-votes" in "".join(person.fragments())
        ballot = person.http.get(f"/w/{person.code}/me?part=my-votes").get_data(as_text=True)
        assert "We greet every new starter by name" in ballot
    assert outsider.fragments() == []
    stale = people[3].post(f"/w/{people[3].code}/design/propositions/{pid}",
                           {"text": "We wave", "version": "1"}, page=page(people[3]),
                           headers={"HX-Request": "true"})
    assert stale.status_code == 409
    for person in [facilitator, projector, *people]:
        assert not any("We wave" in f for f in person.fragments())


def test_commitments_teams_and_review_date_reach_the_projector(live) -> None:
    facilitator, projector, people, outsider = live
    move(facilitator, 2)  # deliver: commitments
    drain(facilitator, projector, *people)
    today = date.today()
    response = people[0].post(f"/w/{people[0].code}/commitments", {
        "kind": "personal", "what": "Learn the porters' names", "owner_name": "Ana",
        "due_date": (today + timedelta(30)).isoformat(), "first_step": "Ask for the rota",
        "first_step_due": (today + timedelta(2)).isoformat(), "client_id": "commit-live-01"},
        page=page(people[0]))
    assert response.status_code == 302
    for person in [facilitator, projector, *people]:
        pushed = "".join(person.fragments())
        assert "Learn the porters&#39; names" in pushed and "Ana" in pushed
    people[1].post(f"/w/{people[1].code}/teams", {"name": "Welcome pack"}, page=page(people[1]))
    assert "Welcome pack" in "".join(projector.fragments())
    for person in people:  # each phone fetches its own join and leave buttons again
        assert "part=my-teams" in "".join(person.fragments())
    facilitator.post(f"/w/{facilitator.code}/review",
                     {"next_review": (today + timedelta(28)).isoformat()},
                     page=f"/w/{facilitator.code}/facilitate")
    day = today + timedelta(28)
    for person in [projector, *people]:
        assert f"{day:%A} {day.day} {day:%B %Y}" in "".join(person.fragments())
    assert outsider.fragments() == []


def test_check_out_answers_travel_only_as_totals_after_reveal(live) -> None:
    facilitator, projector, people, outsider = live
    move(facilitator, 2)
    facilitator.post(f"/w/{facilitator.code}/activity", {"activity": "check-out"},
                     page=f"/w/{facilitator.code}/facilitate")
    drain(facilitator, projector, *people)
    for person, (first, word) in zip(people[:3], ((5, "Hopeful"), (4, "hopeful"), (3, "Calm")),
                                     strict=True):
        response = person.post(f"/w/{person.code}/pulse", {
            "answer_1": first, "answer_2": 4, "answer_3": 4, "answer_4": 2, "word": word},
            page=page(person))
        assert response.status_code == 302
    pushed = [f for p in [facilitator, projector, *people] for f in p.fragments()]
    assert any("3 people have checked out" in f for f in pushed)
    assert not any("Hopeful" in f or "hopeful" in f or "On average" in f for f in pushed)
    facilitator.post(f"/w/{facilitator.code}/settings", {"change": "revealed=on"},
                     page=f"/w/{facilitator.code}/facilitate")
    for person in [projector, *people]:
        html = "".join(person.fragments())
        assert "On average 4.0 out of 5" in words(html)
        assert "hopeful (2)" in words(html)
    assert outsider.fragments() == []


FACILITATOR_ONLY = [("dots", {"dots": "4"}), ("design/areas", {"name": "Rotas"}),
                    ("design/areas/rename", {"area": "plan:0", "name": "Rotas"}),
                    ("design/areas/remove", {"area": "plan:0"}),
                    ("teams/offer", {"name": "Welcome"}), ("teams/1/remove", {}),
                    ("review", {"next_review": "2099-01-01"})]
PARTICIPANT_ONLY = [("dreams", {"text": "We", "client_id": "auth-check-01"}),
                    ("votes", {"dot": "add contribution:1"}),
                    ("design/propositions", {"text": "We", "area": "plan:0",
                                             "client_id": "auth-check-02"}),
                    ("design/propositions/1", {"text": "We", "version": "1"}),
                    ("commitments", {"what": "x", "client_id": "auth-check-03"}),
                    ("commitments/1/withdraw", {}), ("teams", {"name": "Mine"}),
                    ("teams/1/join", {}), ("teams/1/leave", {}), ("pulse", {"answer_1": "5"})]


def test_each_new_route_refuses_who_may_not_use_it(runtime, live) -> None:
    facilitator, projector, people, outsider = live
    # Every refusal here comes from one test address: let the code-guessing guard allow them.
    runtime.limits = Limits(Rates(wrong_codes="1000 per second"))
    def room_as_seen() -> str:
        """The facilitator's view, without its CSRF tokens (they carry the current second)."""
        html = facilitator.http.get(f"/w/{facilitator.code}/state").get_data(as_text=True)
        return re.sub(r'name="csrf_token" value="[^"]+"', "", html)

    before = room_as_seen()
    stranger = Person(facilitator.http.application.test_client(), facilitator.code)
    for path, form in FACILITATOR_ONLY:
        for person in (people[0], outsider, stranger):
            response = person.post(f"/w/{facilitator.code}/{path}", form, page="/")
            assert response.status_code == 403, (path, response.status_code)
    for path, form in PARTICIPANT_ONLY:
        for person in (facilitator, outsider, stranger):
            response = person.post(f"/w/{facilitator.code}/{path}", form, page="/")
            assert response.status_code == 403, (path, response.status_code)
    assert room_as_seen() == before
    for person in (facilitator, outsider, stranger):
        assert person.http.get(
            f"/w/{facilitator.code}/design/propositions/1/edit").status_code == 403
    assert outsider.fragments() == [] and people[0].fragments() == []
