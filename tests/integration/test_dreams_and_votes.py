"""Dream: dreams linked to themes, dot budgets, and totals hidden until the facilitator
reveals them, in every view, page and push."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest

from facilitation.plans import Activity
from facilitation.services import Runtime, activities, dreams, moderation, views, votes
from facilitation.services.errors import Conflict, Forbidden, Invalid, NotFound
from facilitation.store.models import ActivityState
from tests.reading import list_after, words

from .method_room import MethodRoom, after_discover, every_view, facilitator_client, participant_client

# What a result looks like on any screen: the tally markup, a ranked result or "<n> dots".
TALLY = re.compile(r'class="tally|class="result|</strong> dots?\b')


@pytest.fixture()
def dreaming(runtime: Runtime) -> MethodRoom:
    room = after_discover(runtime, 4, names=("Ana", "", "Bo", ""))
    room.go_to("team-dream")
    return room


def client_id(text: str) -> str:
    return "dream-" + "".join(ch for ch in text.lower() if ch.isalnum())[:40]


def dream(room: MethodRoom, who: int, text: str, themes: Iterable[int] = ()) -> int:
    contribution, created = dreams.add_dream(room.rt, room.people[who], text, list(themes),
                                             client_id(text))
    assert created
    return contribution.id


def dots_of(runtime: Runtime, room: MethodRoom) -> dict[int, int | None]:
    state = views.room_state(runtime, room.room.workshop_id)
    return {d.id: d.dots for d in state.dreams.dreams}


def test_dreams_are_linked_to_themes_and_set_in_a_future_month(runtime, dreaming) -> None:
    first = dream(dreaming, 0, "We know every new starter by name", [dreaming.theme_ids[1]])
    dream(dreaming, 1, "We thank each other at every handover", dreaming.theme_ids)
    state = views.room_state(runtime, dreaming.room.workshop_id)
    board = state.dreams
    assert [d.themes for d in board.dreams] == [("A real welcome",),
                                                ("Saying thank you", "A real welcome")]
    assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", board.horizon)
    year = int(board.horizon.split()[1])
    assert year == state.workshop.created_at.year + 2
    assert all(d.author is None for d in board.dreams)  # anonymous in the shipped plan
    text = "We know every new starter by name"
    again, created = dreams.add_dream(runtime, dreaming.people[0], text, [], client_id(text))
    assert not created and again.id == first  # a resent form is stored once


def test_a_dream_needs_words_a_real_theme_and_an_open_activity(runtime, dreaming) -> None:
    with pytest.raises(Invalid, match="empty"):
        dreams.add_dream(runtime, dreaming.people[0], "   ", [], "dream-empty-01")
    with pytest.raises(NotFound, match="themes is no longer there"):
        dreams.add_dream(runtime, dreaming.people[0], "We rest", ["99999"], "dream-theme-01")
    activities.set_flag(runtime, dreaming.facilitator, "locked", True)
    with pytest.raises(Conflict, match="closed this activity"):
        dreams.add_dream(runtime, dreaming.people[0], "We rest", [], "dream-locked-1")


def test_dot_budget_is_enforced_with_a_clear_message(runtime, dreaming) -> None:
    a = dream(dreaming, 0, "We know every new starter by name")
    b = dream(dreaming, 1, "We thank each other at every handover")
    me = dreaming.people[2]
    votes.place_dot(runtime, me, f"contribution:{a}")
    votes.place_dot(runtime, me, f"contribution:{a}")  # several dots on one dream are fine
    ballot = votes.place_dot(runtime, me, f"contribution:{b}")
    assert ballot.mine == {a: 2, b: 1} and ballot.left == 0
    with pytest.raises(Invalid, match="used all 3 of your dots"):
        votes.place_dot(runtime, me, f"contribution:{b}")
    ballot = votes.take_back_dot(runtime, me, f"contribution:{a}")
    assert ballot.mine == {a: 1, b: 1} and ballot.left == 1
    with pytest.raises(Conflict, match="no dot on that one"):
        votes.take_back_dot(runtime, dreaming.people[3], f"contribution:{a}")
    # the facilitator gives everyone more dots
    votes.set_dots(runtime, dreaming.facilitator, 5)
    for _ in range(3):
        votes.place_dot(runtime, me, f"contribution:{b}")
    with pytest.raises(Invalid, match="used all 5"):
        votes.place_dot(runtime, me, f"contribution:{a}")
    with pytest.raises(Invalid, match="from 1 to 10"):
        votes.set_dots(runtime, dreaming.facilitator, 0)
    with pytest.raises(Forbidden):
        votes.set_dots(runtime, me, 9)


def test_dots_come_from_the_facilitator_then_the_plan_then_three() -> None:
    activity = Activity("v", "Vote", "dreams", "Vote", 5, "dream", dots=4)
    assert votes.dots_per_person(activity, None) == 4
    assert votes.dots_per_person(activity, ActivityState(dots=6)) == 6
    plain = Activity("v", "Vote", "dreams", "Vote", 5, "dream")
    assert votes.dots_per_person(plain, ActivityState(dots=None)) == 3


def test_dots_on_a_hidden_dream_are_given_back(runtime, dreaming) -> None:
    a = dream(dreaming, 0, "We know every new starter by name")
    b = dream(dreaming, 1, "We thank each other at every handover")
    me = dreaming.people[2]
    for _ in range(3):
        votes.place_dot(runtime, me, f"contribution:{a}")
    moderation.set_hidden(runtime, dreaming.facilitator, "contribution", a, True)
    assert votes.place_dot(runtime, me, f"contribution:{b}").left == 2
    with pytest.raises(NotFound):
        votes.place_dot(runtime, me, f"contribution:{a}")


def test_only_participants_vote_and_only_in_a_vote(runtime, dreaming) -> None:
    a = dream(dreaming, 0, "We know every new starter by name")
    with pytest.raises(Forbidden):
        votes.place_dot(runtime, dreaming.facilitator, f"contribution:{a}")
    with pytest.raises(Invalid, match="Choose one of the items"):
        votes.place_dot(runtime, dreaming.people[0], f"proposition:{a}")
    dreaming.go_to("possibility-statements")
    with pytest.raises(Invalid):
        votes.place_dot(runtime, dreaming.people[0], f"contribution:{a}")


def test_totals_stay_hidden_everywhere_until_revealed(app, runtime, socketio, dreaming) -> None:
    a = dream(dreaming, 0, "We know every new starter by name")
    b = dream(dreaming, 1, "We thank each other at every handover")
    c = dream(dreaming, 3, "We take our breaks together")
    for who, picks in ((0, [a, a, b]), (1, [a, b, b]), (2, [a, a, a]), (3, [c])):
        for target in picks:
            votes.place_dot(runtime, dreaming.people[who], f"contribution:{target}")
    assert set(dots_of(runtime, dreaming).values()) == {None}
    fv = views.facilitator_view(runtime, dreaming.room.workshop_id)
    assert {d.dots for d in fv.room.dreams.dreams} == {None} and fv.room.dreams.voters == 4
    for html in every_view(app, runtime, dreaming.room):
        assert not TALLY.search(html), TALLY.search(html)
        assert "We take our breaks together" in html or "Your dots" not in html

    activities.set_flag(runtime, dreaming.facilitator, "revealed", True)
    assert dots_of(runtime, dreaming) == {a: 6, b: 3, c: 1}
    state = views.room_state(runtime, dreaming.room.workshop_id)
    assert [d.id for d in state.dreams.ranked] == [a, b, c]
    pages = every_view(app, runtime, dreaming.room)
    projector = pages[-1]
    assert "6 dots" in words(projector) and "1 dot" in words(projector)
    assert projector.index("every new starter") < projector.index("every handover")
    with pytest.raises(Conflict, match="voting has closed"):
        votes.place_dot(runtime, dreaming.people[3], f"contribution:{a}")

    activities.set_flag(runtime, dreaming.facilitator, "revealed", False)
    for html in every_view(app, runtime, dreaming.room):
        assert not TALLY.search(html)
    # Hiding them again does not reopen the vote: one changed dot, shown again, would tell
    # everyone how that one person voted.
    with pytest.raises(Conflict, match="closed for good"):
        votes.place_dot(runtime, dreaming.people[3], f"contribution:{a}")
    with pytest.raises(Conflict, match="closed for good"):
        votes.take_back_dot(runtime, dreaming.people[0], f"contribution:{a}")


def test_a_flood_of_dreams_is_slowed_with_a_clear_message(runtime, dreaming) -> None:
    from facilitation.services.errors import TooMany
    from facilitation.services.limits import Limits, Rates

    runtime.limits = Limits(Rates(sharing="2 per hour"))
    dream(dreaming, 0, "We know every new starter by name")
    dream(dreaming, 0, "We thank each other at handover")
    with pytest.raises(TooMany, match="sending very fast"):
        dream(dreaming, 0, "We take our breaks together")
    dream(dreaming, 1, "We take our breaks together")  # only the sender is slowed


def test_a_phone_is_shown_the_top_results_and_the_projector_all_of_them(app, runtime) -> None:
    """Past PHONE_SHOWS dreams, a phone's results hold the top ones and a link to all; the
    phone never lists the dreams outside its ballot; the projector and the page of the whole
    wall list every one."""
    from facilitation.live.fragments import PHONE_SHOWS

    method = after_discover(runtime, 30)
    method.go_to("team-dream")
    room = method.room
    many = PHONE_SHOWS + 6
    for who in range(many):
        dream(method, who, f"Dream number {who:02d} for the ward")
    votes.place_dot(runtime, room.people[0], f"contribution:{dots_ids(runtime, method)[-1]}")
    for voter in (2, 3):  # totals show only once at least 3 people voted
        votes.place_dot(runtime, room.people[voter], f"contribution:{dots_ids(runtime, method)[0]}")
    phone = participant_client(app, room.code, room.people[1])
    before = wall_of(phone.get(f"/w/{room.code}/state").get_data(as_text=True))
    assert "Dream number" not in before  # listed in the ballot only
    assert phone.get(f"/w/{room.code}/me?part=my-votes").get_data(as_text=True).count(
        'class="ballot-item"') == many

    activities.set_flag(runtime, room.facilitator, "revealed", True)
    shown = wall_of(phone.get(f"/w/{room.code}/state").get_data(as_text=True))
    assert len(list_after(shown, "The room's dots")) == PHONE_SHOWS
    assert f"Dream number {many - 1:02d}" in shown  # the one with a dot comes first
    assert f"The top {PHONE_SHOWS} of {many}." in shown
    everything = phone.get(f"/w/{room.code}/board").get_data(as_text=True)
    assert len(list_after(everything, "The room's dots")) == many
    projector = facilitator_client(app, runtime, room)
    for path in ("/projector", "/state?view=projector"):
        page = projector.get(f"/w/{room.code}{path}").get_data(as_text=True)
        assert len(list_after(page, "The room's dots")) == many and "The top" not in page


def dots_ids(runtime: Runtime, room: MethodRoom) -> list[int]:
    return list(dots_of(runtime, room))


def wall_of(page: str) -> str:
    return re.search(r'<section id="wall".*?</section>', page, re.S).group(0)
