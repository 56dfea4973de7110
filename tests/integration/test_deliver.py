"""Deliver: commitments checked with clear messages, action teams joined by choice, the next
review date, and the check-out pulse shown only as totals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from facilitation.services import Runtime, activities, deliver, design, pulse, views
from facilitation.services.deliver import DeliverBoard
from facilitation.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.reading import words

from .method_room import MethodRoom, after_discover, every_view, participant_client
from .room import csrf_from

TODAY = date.today()


@pytest.fixture()
def delivering(runtime: Runtime) -> MethodRoom:
    room = after_discover(runtime, 4, names=("Ana", "", "Bo", ""))
    room.go_to("possibility-statements")
    design.add_proposition(runtime, room.people[0], {
        "text": "We welcome every new starter by name", "area": "plan:0",
        "client_id": "deliver-prop-1"})
    room.go_to("our-commitments")
    return room


def commitment(**changes) -> dict:
    form = {"kind": "personal", "what": "Learn the names of the two new porters",
            "owner_name": "Ana", "helpers": "Bo", "due_date": (TODAY + timedelta(30)).isoformat(),
            "first_step": "Ask the porters' lead for the rota",
            "first_step_due": (TODAY + timedelta(3)).isoformat(),
            "support_needed": "Ten minutes at the huddle", "how_we_know": "They say hello back",
            "client_id": "commitment-0001"}
    return {**form, **changes}


def board(runtime: Runtime, room: MethodRoom) -> DeliverBoard | None:
    return views.room_state(runtime, room.room.workshop_id).deliver


@pytest.mark.parametrize(("changes", "message"), [
    ({"what": " "}, "What you will do is empty"),
    ({"due_date": ""}, "Please give a date for “By when”"),
    ({"due_date": "31/07/2026"}, "“By when” is not a date we can read"),
    ({"due_date": (TODAY - timedelta(1)).isoformat()}, "which has passed"),
    ({"first_step": ""}, "Your first step is empty"),
    ({"first_step_due": (TODAY + timedelta(8)).isoformat()}, "within a week"),
    ({"first_step_due": (TODAY - timedelta(1)).isoformat()}, "within a week"),
    ({"due_date": (TODAY + timedelta(1)).isoformat(),
      "first_step_due": (TODAY + timedelta(2)).isoformat()}, "comes after the “by when” date"),
    ({"kind": "someday"}, "personal pledge or a team action"),
    ({"proposition": "999"}, "statement is no longer there"),
    ({"what": "x" * 501}, "the limit is 500"),
])
def test_commitments_are_checked_with_clear_messages(runtime, delivering, changes,
                                                     message) -> None:
    with pytest.raises((Invalid, NotFound), match=message):
        deliver.add_commitment(runtime, delivering.people[0], commitment(**changes))
    assert board(runtime, delivering).commitments == ()


def test_a_complete_commitment_shows_what_who_and_when(runtime, delivering) -> None:
    proposition = board(runtime, delivering).propositions[0][0]
    deliver.add_commitment(runtime, delivering.people[0],
                           commitment(proposition=str(proposition),
                                      first_step_due=TODAY.isoformat()))
    deliver.add_commitment(runtime, delivering.people[0], commitment())  # resent: stored once
    deliver.add_commitment(runtime, delivering.people[1], commitment(
        kind="team", what="Start a welcome pack", owner_name="", helpers="",
        support_needed="", how_we_know="", client_id="commitment-0002"))
    first, second = board(runtime, delivering).commitments
    assert (first.owner, first.helpers, first.proposition) == (
        "Ana", "Bo", "We welcome every new starter by name")
    assert first.due == TODAY + timedelta(30) and first.first_step_due == TODAY
    assert (second.kind, second.owner, second.support_needed) == ("team", None, None)


def test_only_its_maker_can_take_a_commitment_back(runtime, delivering) -> None:
    made = deliver.add_commitment(runtime, delivering.people[0], commitment())
    with pytest.raises(Forbidden):
        deliver.withdraw_commitment(runtime, delivering.people[1], made.id)
    deliver.withdraw_commitment(runtime, delivering.people[0], made.id)
    assert board(runtime, delivering).commitments == ()


def test_no_names_are_asked_for_or_shown_in_an_anonymous_commitments_activity(runtime) -> None:
    from dataclasses import replace

    plan = runtime.plans["at-our-best-with-each-other"]
    activity = plan.activities["our-commitments"]
    runtime.plans["at-our-best-with-each-other"] = replace(
        plan, activities={**plan.activities, "our-commitments": replace(activity,
                                                                          anonymous=True)})
    room = after_discover(runtime, 2, names=("Ana", "Bo"))
    room.go_to("our-commitments")
    deliver.add_commitment(runtime, room.people[0], commitment())
    assert board(runtime, room).commitments[0].owner is None
    team = deliver.start_team(runtime, room.people[0], {"name": "Welcome pack",
                                                        "show_name": "yes"})
    deliver.join_team(runtime, room.people[1], team.id, True)
    assert board(runtime, room).teams[0].names == ()
    assert board(runtime, room).teams[0].members == 2


def test_action_teams_are_joined_by_choice_with_names_optional(app, runtime,
                                                               delivering) -> None:
    ana, anonymous, bo, _other = delivering.people
    team = deliver.start_team(runtime, ana, {"name": "Welcome pack",
                                             "purpose": "A pack for every new starter",
                                             "show_name": "yes"})
    deliver.join_team(runtime, anonymous, team.id, True)  # no name given at join: none shown
    deliver.join_team(runtime, bo, team.id, False)  # Bo prefers not to show his
    view = board(runtime, delivering).teams[0]
    assert (view.name, view.members, view.names) == ("Welcome pack", 3, ("Ana",))
    deliver.join_team(runtime, bo, team.id, True)  # joining again only changes the choice
    assert board(runtime, delivering).teams[0].names == ("Ana", "Bo")
    deliver.leave_team(runtime, bo, team.id)
    assert board(runtime, delivering).teams[0].members == 2
    with pytest.raises(Invalid, match="already a team"):
        deliver.start_team(runtime, bo, {"name": "Welcome pack"})
    with pytest.raises(Forbidden):
        deliver.remove_team(runtime, bo, team.id)
    code = delivering.room.code
    panel = participant_client(app, code, anonymous).get(f"/w/{code}/me").get_data(as_text=True)
    assert "You are in this team." in panel
    deliver.remove_team(runtime, delivering.facilitator, team.id)
    assert board(runtime, delivering).teams == ()


def test_the_next_review_date_is_set_by_the_facilitator(app, runtime, delivering) -> None:
    with pytest.raises(Invalid, match="has passed"):
        deliver.set_next_review(runtime, delivering.facilitator,
                                (TODAY - timedelta(1)).isoformat())
    with pytest.raises(Forbidden):
        deliver.set_next_review(runtime, delivering.people[0], TODAY.isoformat())
    day = deliver.set_next_review(runtime, delivering.facilitator,
                                  (TODAY + timedelta(30)).isoformat())
    assert board(runtime, delivering).next_review == day
    words = deliver.say_day(day)
    assert all(words in html for html in every_view(app, runtime, delivering.room)
               if 'id="wall"' in html)


def test_commitment_form_errors_keep_everything_typed(app, runtime, delivering) -> None:
    code = delivering.room.code
    client = participant_client(app, code, delivering.people[0])
    page = client.get(f"/w/{code}/").get_data(as_text=True)
    form = commitment(first_step_due=(TODAY + timedelta(20)).isoformat())
    for headers in ({"HX-Request": "true"}, {}):
        response = client.post(f"/w/{code}/commitments",
                               data={**form, "csrf_token": csrf_from(page)}, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "within a week" in html and 'role="alert"' in html
        for value in ("Learn the names of the two new porters", "Ask the porters&#39; lead",
                      "Ten minutes at the huddle", form["due_date"], form["first_step_due"]):
            assert value in html


def pulse_form(*answers: int, word: str = "") -> dict:
    return {**{f"answer_{i}": str(a) for i, a in enumerate(answers, start=1)}, "word": word}


def test_pulse_answers_are_checked_and_replaced_not_added(runtime, delivering) -> None:
    delivering.go_to("check-out")
    me = delivering.people[0]
    with pytest.raises(Invalid, match="for “I am leaving with one thing I plan to do”"):
        pulse.answer(runtime, me, pulse_form(5, 4, 3))
    with pytest.raises(Invalid, match="number from 1 to 5"):
        pulse.answer(runtime, me, pulse_form(5, 4, 3, 6))
    with pytest.raises(Invalid, match="one word"):
        pulse.answer(runtime, me, pulse_form(5, 4, 3, 2, word="a whole long sentence here"))
    pulse.answer(runtime, me, pulse_form(5, 4, 3, 2, word="Hopeful"))
    pulse.answer(runtime, me, pulse_form(4, 4, 4, 4, word="Tired"))
    assert views.room_state(runtime, delivering.room.workshop_id).pulse.responses == 1
    with pytest.raises(Forbidden):
        pulse.answer(runtime, delivering.facilitator, pulse_form(1, 1, 1, 1))


def test_pulse_results_are_totals_shown_after_reveal_and_with_enough_answers(
        app, runtime, delivering) -> None:
    delivering.go_to("check-out")
    people = delivering.people
    pulse.answer(runtime, people[0], pulse_form(5, 4, 3, 2, word="Hopeful"))
    pulse.answer(runtime, people[1], pulse_form(3, 4, 5, 2, word="hopeful!"))
    activities.set_flag(runtime, delivering.facilitator, "revealed", True)
    results = views.room_state(runtime, delivering.room.workshop_id).pulse
    assert results.revealed and not results.shown and results.questions == ()
    assert not any("On average" in html for html in every_view(app, runtime, delivering.room))
    activities.set_flag(runtime, delivering.facilitator, "revealed", False)
    pulse.answer(runtime, people[2], pulse_form(4, 4, 4, 2, word="Ready"))
    results = views.room_state(runtime, delivering.room.workshop_id).pulse
    assert results.questions == ()  # hidden until revealed
    activities.set_flag(runtime, delivering.facilitator, "revealed", True)
    results = views.room_state(runtime, delivering.room.workshop_id).pulse
    assert [q.average for q in results.questions] == [4.0, 4.0, 4.0, 2.0]
    assert results.questions[0].counts == (0, 0, 1, 1, 1)
    assert results.words == (("hopeful", 2), ("ready", 1))
    projector = every_view(app, runtime, delivering.room)[-1]
    assert "On average 4.0 out of 5" in words(projector)
    with pytest.raises(Conflict, match="check-out has closed"):
        pulse.answer(runtime, people[3], pulse_form(1, 1, 1, 1))
