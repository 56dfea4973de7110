"""The services tell the room what changed, and whom it concerns, once it is committed:
each test runs a real service on a real (SQLite) store with a broadcaster that records."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitation.config import PROJECT_ROOT
from facilitation.plans import load_plans
from facilitation.services import Runtime, dreams, moderation, presence, votes
from facilitation.services import contributions as contribution_service
from facilitation.services import workshops as workshop_service
from facilitation.services.access import Actor
from facilitation.services.authorship import new_author_key
from facilitation.services.errors import Conflict
from facilitation.store import Store
from tests.fakes import RecordingBroadcaster


@pytest.fixture()
def told() -> RecordingBroadcaster:
    return RecordingBroadcaster()


@pytest.fixture()
def rt(tmp_path: Path, told: RecordingBroadcaster):
    store = Store(f"sqlite:///{tmp_path / 'room.sqlite3'}")
    store.migrate()
    yield Runtime(store=store, plans=load_plans(PROJECT_ROOT / "workshops"), broadcaster=told)
    store.dispose()


def open_room(rt: Runtime, people: int = 2) -> tuple[Actor, list[Actor]]:
    workshop, _key = workshop_service.create(rt, "at-our-best-with-each-other")
    facilitator = Actor(workshop.id, "facilitator")
    joined = [Actor(workshop.id, "participant", workshop_service.join(rt, workshop.id),
                    new_author_key())
              for _ in range(people)]
    workshop_service.move(rt, facilitator, "forward")  # Define, its first wall
    return facilitator, joined


def test_a_card_is_announced_once_committed_and_a_repeat_announces_nothing(
        rt: Runtime, told: RecordingBroadcaster) -> None:
    facilitator, (ann, _bob) = open_room(rt)
    told.clear()
    card, created = contribution_service.contribute(rt, ann, "arrival-hopes", "Hopeful",
                                                    "client-0001")
    again, created_again = contribution_service.contribute(rt, ann, "arrival-hopes",
                                                           "Hopeful", "client-0001")
    assert (created, created_again, again.id) == (True, False, card.id)
    assert told.calls == [("contribution_added", facilitator.workshop_id, card.id)]


def test_a_refused_card_tells_nobody(rt: Runtime, told: RecordingBroadcaster) -> None:
    _facilitator, (ann, _bob) = open_room(rt)
    told.clear()
    with pytest.raises(Conflict):
        contribution_service.contribute(rt, ann, "topic-framing", "Too early", "client-0002")
    assert told.calls == []


def test_moving_the_room_redraws_every_screen_and_joining_changes_only_counts(
        rt: Runtime, told: RecordingBroadcaster) -> None:
    facilitator, _people = open_room(rt)
    workshop_id = facilitator.workshop_id
    assert told.told("workshop_changed") == [(workshop_id,)]
    told.clear()
    workshop_service.join(rt, workshop_id)
    assert told.calls == [("presence_changed", workshop_id)]
    told.clear()
    workshop_service.choose_activity(rt, facilitator, "topic-framing")
    assert told.calls == [("workshop_changed", workshop_id)]


def test_hiding_a_card_redraws_the_board_and_departures_the_counts(
        rt: Runtime, told: RecordingBroadcaster) -> None:
    facilitator, (ann, bob) = open_room(rt)
    card, _ = contribution_service.contribute(rt, ann, "arrival-hopes", "Hopeful",
                                              "client-0003")
    told.clear()
    moderation.set_hidden(rt, facilitator, "contribution", card.id, True)
    presence.changed(rt, {ann.participant_id: +1, bob.participant_id: +1})
    assert told.calls == [("board_changed", facilitator.workshop_id),
                          ("connections_changed", facilitator.workshop_id)]


def test_a_dot_is_told_only_to_its_voter(rt: Runtime, told: RecordingBroadcaster) -> None:
    facilitator, (ann, bob) = open_room(rt)
    for _ in range(2):
        workshop_service.move(rt, facilitator, "forward")  # Discover, then Dream
    dream, _ = dreams.add_dream(rt, bob, "Breaks together", [], "dream-0001")
    told.clear()
    votes.place_dot(rt, ann, f"contribution:{dream.id}")
    assert told.calls == [("votes_changed", facilitator.workshop_id, ann.participant_id)]
