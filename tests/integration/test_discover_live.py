"""Discover over the real routes and sockets: each change reaches every client of the room
and no client of another room."""

from __future__ import annotations

import pytest

from .room import join, start_workshop


@pytest.fixture()
def live(app, socketio):
    facilitator = start_workshop(app)
    people = [join(app, facilitator.code, name) for name in ("Ana", "", "Bo", "")]
    other = start_workshop(app)
    outsider = join(app, other.code)
    for person in [facilitator, *people, outsider]:
        assert person.connect(socketio, app).is_connected()
    control = f"/w/{facilitator.code}/facilitate"
    for _ in range(2):
        facilitator.post(f"/w/{facilitator.code}/move", {"direction": "forward"}, page=control)
    for person in [facilitator, *people, outsider]:
        person.fragments()
    return facilitator, people, outsider


def test_forming_pairs_reaches_each_participant_and_no_other_room(live) -> None:
    facilitator, people, outsider = live
    response = facilitator.post(f"/w/{facilitator.code}/pairs", {},
                                page=f"/w/{facilitator.code}/facilitate")
    assert response.status_code == 302
    for person in people:
        pushed = "".join(person.fragments())
        assert 'id="my-panel"' in pushed and 'hx-trigger="load"' in pushed
        panel = person.http.get(f"/w/{person.code}/me").get_data(as_text=True)
        assert "Pair 1" in panel or "Pair 2" in panel
    assert "Pair 2 · Table 1 · 2 people" in "".join(facilitator.fragments())
    assert outsider.fragments() == []


def test_a_story_shared_with_the_room_reaches_everyone_in_it(live) -> None:
    facilitator, people, outsider = live
    facilitator.post(f"/w/{facilitator.code}/pairs", {}, page=f"/w/{facilitator.code}/facilitate")
    for person in [facilitator, *people]:
        person.fragments()
    recorder = people[0]
    response = recorder.post(f"/w/{recorder.code}/story",
                             {"headline": "Domestic team kept the ward going", "sharing": "room",
                              "quote": "We are all one team"}, page=f"/w/{recorder.code}/")
    assert response.status_code == 302
    for person in [facilitator, *people]:
        assert "Domestic team kept the ward going" in "".join(person.fragments())
    assert outsider.fragments() == []
    # the quote stays out of every push until its teller agrees
    assert not any("We are all one team" in f for p in people for f in p.received)


def test_pair_only_story_is_pushed_to_nobody(live) -> None:
    facilitator, people, outsider = live
    facilitator.post(f"/w/{facilitator.code}/pairs", {}, page=f"/w/{facilitator.code}/facilitate")
    for person in [facilitator, *people]:
        person.fragments()
    people[1].post(f"/w/{people[1].code}/story",
                   {"headline": "Kept between the two of us", "sharing": "pair"},
                   page=f"/w/{people[1].code}/")
    for person in [facilitator, *people, outsider]:
        assert not any("Kept between the two of us" in f for f in person.fragments())


def test_timer_reaches_every_screen_of_the_room(live) -> None:
    facilitator, people, outsider = live
    facilitator.post(f"/w/{facilitator.code}/timer", {"action": "start"},
                     page=f"/w/{facilitator.code}/facilitate")
    for person in [facilitator, *people]:
        assert any('id="timer"' in f and 'data-running="yes"' in f for f in person.fragments())
    assert outsider.fragments() == []


def test_participants_cannot_use_facilitator_tools(live) -> None:
    facilitator, people, outsider = live
    someone = people[0]
    page = f"/w/{someone.code}/"
    for path, data in (("pairs", {}), ("timer", {"action": "start"}),
                       ("spotlight", {"item": "contribution:1"}),
                       ("moderate", {"item": "contribution:1", "hidden": "yes"}),
                       ("settings", {"change": "locked=on"}),
                       ("themes/new", {"name": "Mine"}), ("themes/undo", {})):
        assert someone.post(f"/w/{someone.code}/{path}", data, page=page).status_code == 403
    assert outsider.post(f"/w/{facilitator.code}/story", {"headline": "x"},
                         page=f"/w/{outsider.code}/").status_code == 403
