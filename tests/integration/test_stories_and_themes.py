"""Stories (consent, sharing levels in every view), the theme board, the timer, moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from facilitation.services import Runtime, activities, moderation, pairs, stories, themes, views
from facilitation.services.access import Actor
from facilitation.services.errors import Conflict, Forbidden, Invalid
from facilitation.store.models import ActivityState, Story
from tests.reading import list_after, words

from .discover_room import Room, discover_room
from .room import Person, csrf_from


def paired_room(runtime: Runtime, people: int = 4) -> Room:
    room = discover_room(runtime, people)
    pairs.form_pairs(runtime, room.facilitator)
    return room


def capture(runtime: Runtime, actor: Actor, headline: str, sharing: str = "room",
            quote: str = "") -> Story:
    return stories.save_story(runtime, actor, {"headline": headline, "sharing": sharing,
                                               "quote": quote, "values": "Kindness"})


def teller_of(runtime: Runtime, room: Room, recorder: Actor) -> Actor:
    """The person ``recorder`` interviews in their pair."""
    with runtime.store.reading() as db:
        mine = pairs.my_pair(db, room.workshop_id, "best-of-us-interview",
                             recorder.participant_id)
    return next(a for a in room.people
                if a.participant_id == mine.partner_to_interview.participant_id)


def test_story_goes_to_the_partner_the_recorder_interviews(runtime) -> None:
    room = paired_room(runtime)
    story = capture(runtime, room.people[0], "Ward clerk calmed a frightened family")
    teller = teller_of(runtime, room, room.people[0])
    assert [v.story.id for v in views.my_view(runtime, teller).my_stories] == [story.id]
    others = [a for a in room.people if a not in (teller, room.people[0])]
    assert all(not views.my_view(runtime, a).my_stories for a in others)
    recorded = views.my_view(runtime, room.people[0])
    assert recorded.my_story.id == story.id and recorded.my_stories[0].recorded_by_me
    again = capture(runtime, room.people[0], "Ward clerk calmed a family at midnight")
    assert again.id == story.id  # editing, not a second story
    # Once the teller's phone has seen it, the story names neither pair nor person.
    with runtime.store.reading() as db:
        stored = db.get(Story, story.id)
    assert stored.group_id is None and stored.teller_position is None
    assert stored.recorder_tag and stored.teller_tag


def test_headline_is_twelve_words_at_most_and_sharing_is_checked(runtime) -> None:
    room = paired_room(runtime)
    with pytest.raises(Invalid, match="13 words"):
        capture(runtime, room.people[0], " ".join(["word"] * 13))
    with pytest.raises(Invalid, match="who may see"):
        capture(runtime, room.people[0], "Fine headline", sharing="everyone")


def test_quote_needs_the_tellers_own_consent(runtime) -> None:
    room = paired_room(runtime)
    story = capture(runtime, room.people[0], "Night team covered my shift",
                    quote="I felt I belonged here")
    assert story.quote_consent == "pending"
    assert views.room_state(runtime, room.workshop_id).stories[0].quote is None
    with pytest.raises(Forbidden):
        stories.answer_quote(runtime, room.people[0], story.id, True)  # the recorder
    teller = teller_of(runtime, room, room.people[0])
    views.my_view(runtime, teller)  # the teller's phone is asked to show it
    stories.answer_quote(runtime, teller, story.id, True)
    assert views.room_state(runtime, room.workshop_id).stories[0].quote == (
        "I felt I belonged here")
    with pytest.raises(Conflict):
        stories.answer_quote(runtime, teller, story.id, False)
    # changing the words asks again
    story = capture(runtime, room.people[0], "Night team covered my shift",
                    quote="I belonged here from day one")
    assert story.quote_consent == "pending"
    stories.answer_quote(runtime, teller, story.id, False)
    assert views.room_state(runtime, room.workshop_id).stories[0].quote is None


def test_sharing_levels_are_honoured_in_every_view(app, runtime) -> None:
    room = paired_room(runtime, 4)
    capture(runtime, room.people[0], "Pair only headline about the sluice room", sharing="pair")
    capture(runtime, room.people[1], "Room headline about the handover huddle", sharing="room")
    state = views.room_state(runtime, room.workshop_id)
    assert [v.story.headline for v in state.stories] == ["Room headline about the handover huddle"]
    board = views.facilitator_view(runtime, room.workshop_id).room.stories
    assert len(board) == 1
    with runtime.store.reading() as db:
        groupable = themes.groupable_items(db, room.workshop_id, [])
    assert [i.text for i in groupable] == ["Room headline about the handover huddle"]
    # and in the rendered pages of someone outside that pair, the projector and the facilitator
    from facilitation.web.identity import remember_facilitator, remember_participant

    outsider = next(a for a in room.people
                    if a.participant_id not in _group_of(runtime, room, room.people[0]))
    pages = []
    with app.test_request_context():
        from flask import session

        remember_participant(room.code, outsider.participant_id)
        cookie_participant = dict(session)
    for cookie, paths in ((cookie_participant, ["/", "/state?view=participant", "/me"]),):
        client = app.test_client()
        with client.session_transaction() as s:
            s.update(cookie)
        pages += [client.get(f"/w/{room.code}{p}").get_data(as_text=True) for p in paths]
    facilitator = _facilitator_client(app, runtime, room)
    pages += [facilitator.get(f"/w/{room.code}{p}").get_data(as_text=True)
              for p in ("/facilitate", "/projector", "/state", "/state?view=projector")]
    for html in pages:
        assert "Pair only headline" not in html
    assert any("Room headline about the handover huddle" in html for html in pages)
    assert remember_facilitator  # imported for the helper below


def _group_of(runtime: Runtime, room: Room, actor: Actor) -> set[str]:
    with runtime.store.reading() as db:
        mine = pairs.my_pair(db, room.workshop_id, "best-of-us-interview", actor.participant_id)
    return {m.participant_id for m in mine.group.members}


def _facilitator_client(app: Flask, runtime: Runtime, room: Room) -> FlaskClient:
    from facilitation.services.access import hash_key
    from facilitation.store import Workshop

    with runtime.store.transaction() as db:
        db.get(Workshop, room.workshop_id).facilitator_key_hash = hash_key("test-key-123")
    client = app.test_client()
    assert client.get(f"/w/{room.code}/f/test-key-123").status_code == 302
    return client


def test_theme_board_move_merge_split_undo(runtime) -> None:
    room = discover_room(runtime, 3)
    room.go_to("share-what-you-heard")
    from facilitation.services import contributions

    texts = ["Sam always says thank you at handover", "Thanks from matron meant a lot",
             "New starters get a buddy", "Bank staff were welcomed like family"]
    ids = [contributions.contribute(runtime, room.people[i % 3], "share-what-you-heard", t,
                                    f"card-000{i}")[0].id for i, t in enumerate(texts)]
    room.go_to("positive-core")
    f = room.facilitator
    thanks = themes.create_theme(runtime, f, "Thanks and recognition",
                                 [f"contribution:{ids[0]}", f"contribution:{ids[1]}"])
    welcome = themes.create_theme(runtime, f, "Welcome", [f"contribution:{ids[2]}"])
    themes.move_item(runtime, f, f"contribution:{ids[3]}", welcome)

    def snapshot() -> dict[str, list[int]]:
        with runtime.store.reading() as db:
            b = themes.board(db, room.workshop_id, ["share-what-you-heard"])
        return {t.name: [i.id for i in t.items] for t in b.themes} | {
            "(ungrouped)": [i.id for i in b.ungrouped]}

    assert snapshot() == {"Thanks and recognition": ids[:2], "Welcome": ids[2:],
                          "(ungrouped)": []}
    themes.rename_theme(runtime, f, welcome, "Feeling welcome")
    themes.merge_themes(runtime, f, thanks, welcome)
    assert snapshot() == {"Feeling welcome": ids, "(ungrouped)": []}
    split = themes.split_theme(runtime, f, welcome, [f"contribution:{ids[0]}",
                                                     f"contribution:{ids[1]}"], "Thanks")
    assert snapshot() == {"Feeling welcome": ids[2:], "Thanks": ids[:2], "(ungrouped)": []}
    with pytest.raises(Invalid, match="Only cards of this theme"):
        themes.split_theme(runtime, f, split, [f"contribution:{ids[3]}"], "Nope")
    themes.move_item(runtime, f, f"contribution:{ids[3]}", "")
    assert snapshot()["(ungrouped)"] == [ids[3]]
    # undo, step by step, back through move, split, merge and rename
    assert themes.undo(runtime, f) == "move"
    assert themes.undo(runtime, f) == "split"
    assert snapshot() == {"Feeling welcome": ids, "(ungrouped)": []}
    assert themes.undo(runtime, f) == "merge"
    assert themes.undo(runtime, f) == "rename"
    assert snapshot() == {"Thanks and recognition": ids[:2], "Welcome": ids[2:],
                          "(ungrouped)": []}
    for _ in range(3):
        themes.undo(runtime, f)
    assert snapshot() == {"(ungrouped)": ids}
    with pytest.raises(Conflict, match="nothing to undo"):
        themes.undo(runtime, f)
    with pytest.raises(Forbidden):
        themes.create_theme(runtime, room.people[0], "Mine")


def test_hidden_cards_leave_every_view_and_come_back(runtime) -> None:
    room = discover_room(runtime, 2)
    room.go_to("share-what-you-heard")
    from facilitation.services import contributions

    card, _ = contributions.contribute(runtime, room.people[0], "share-what-you-heard",
                                       "A card to moderate", "moderate-01")
    moderation.spotlight(runtime, room.facilitator, "contribution", card.id)
    assert views.room_state(runtime, room.workshop_id).spotlight.text == "A card to moderate"
    moderation.set_hidden(runtime, room.facilitator, "contribution", card.id, True)
    state = views.room_state(runtime, room.workshop_id)
    assert state.contributions == [] and state.spotlight is None
    assert [c.id for c in views.facilitator_view(runtime, room.workshop_id).hidden_cards] == [
        card.id]
    with pytest.raises(Forbidden):
        moderation.set_hidden(runtime, room.people[0], "contribution", card.id, False)
    moderation.set_hidden(runtime, room.facilitator, "contribution", card.id, False)
    assert [c.id for c in views.room_state(runtime, room.workshop_id).contributions] == [
        card.id]


def test_timer_start_pause_add_and_no_cap(runtime) -> None:
    room = discover_room(runtime, 1)
    f = room.facilitator
    assert views.room_state(runtime, room.workshop_id).timer.remaining == 40 * 60
    activities.change_timer(runtime, f, "start")
    timer = views.room_state(runtime, room.workshop_id).timer
    assert timer.running and 40 * 60 - 5 <= timer.remaining <= 40 * 60
    # pretend ten minutes passed
    with runtime.store.transaction() as db:
        state = db.get(ActivityState, (room.workshop_id, "best-of-us-interview"))
        state.timer_started_at = state.timer_started_at - timedelta(minutes=10)
    activities.change_timer(runtime, f, "pause")
    timer = views.room_state(runtime, room.workshop_id).timer
    assert not timer.running and 30 * 60 - 5 <= timer.remaining <= 30 * 60
    for _ in range(30):  # no arbitrary cap on added time
        activities.change_timer(runtime, f, "add", 3600)
    assert views.room_state(runtime, room.workshop_id).timer.remaining > 30 * 3600
    with pytest.raises(Invalid):
        activities.change_timer(runtime, f, "add", "lots")
    with pytest.raises(Forbidden):
        activities.change_timer(runtime, room.people[0], "start")
    activities.change_timer(runtime, f, "reset")
    assert views.room_state(runtime, room.workshop_id).timer.remaining == 40 * 60


def test_time_added_after_time_is_up_counts_from_now(runtime) -> None:
    room = discover_room(runtime, 1)
    activities.change_timer(runtime, room.facilitator, "start")
    with runtime.store.transaction() as db:
        state = db.get(ActivityState, (room.workshop_id, "best-of-us-interview"))
        state.timer_started_at = state.timer_started_at - timedelta(minutes=45)
    assert views.room_state(runtime, room.workshop_id).timer.remaining < 0
    activities.change_timer(runtime, room.facilitator, "add", 120)
    assert 110 <= views.room_state(runtime, room.workshop_id).timer.remaining <= 120


def test_story_form_posts_over_http_and_keeps_text_on_error(app, runtime) -> None:
    room = paired_room(runtime, 2)
    person = Person(app.test_client(), room.code)
    from facilitation.web.identity import remember_participant

    with person.http.session_transaction() as s, app.test_request_context():
        from flask import session

        remember_participant(room.code, room.people[0].participant_id)
        s.update(dict(session))
    page = person.http.get(f"/w/{room.code}/").get_data(as_text=True)
    assert 'id="story-form"' in page
    token = csrf_from(page)
    response = person.http.post(f"/w/{room.code}/story", headers={"HX-Request": "true"},
                                data={"csrf_token": token, "headline": " ".join(["x"] * 20),
                                      "sharing": "room"})
    assert response.status_code == 400 and "20 words" in response.get_data(as_text=True)
    response = person.http.post(f"/w/{room.code}/story", headers={"HX-Request": "true"},
                                data={"csrf_token": token, "headline": "Short and true",
                                      "sharing": "room"})
    assert response.status_code == 200 and "Story saved." in response.get_data(as_text=True)


def test_a_seated_room_sees_a_few_items_of_each_theme(app, runtime) -> None:
    from flask import render_template

    from facilitation.services import contributions, seating

    room = discover_room(runtime, 3)
    room.go_to("share-what-you-heard")
    ids = [contributions.contribute(runtime, room.people[i % 3], "share-what-you-heard",
                                    f"Card {i}", f"card-{i:04d}")[0].id for i in range(8)]
    room.go_to("positive-core")
    themes.create_theme(runtime, room.facilitator, "Kindness",
                        [f"contribution:{i}" for i in ids])

    def core_map() -> str:
        with app.test_request_context("/"):
            return render_template("partials/_core_map.html",
                                   state=views.room_state(runtime, room.workshop_id))

    assert len(list_after(core_map(), "Kindness")) == 8
    seating.choose(runtime, room.facilitator, "tables")
    seated = core_map()
    assert len(list_after(seated, "Kindness")) == 5 and "and 3 more" in words(seated)


def test_undo_never_touches_another_workshops_theme(runtime) -> None:
    """SQLite gives a deleted row's id to the next new row, in any workshop: a theme one
    facilitator deleted can come back under an id another workshop's theme now has."""
    ours, theirs = discover_room(runtime, 1), discover_room(runtime, 1)
    for room in (ours, theirs):
        room.go_to("positive-core")
    kept = themes.create_theme(runtime, ours.facilitator, "Kindness", [])
    gone = themes.create_theme(runtime, ours.facilitator, "Handovers", [])
    themes.delete_theme(runtime, ours.facilitator, gone)
    their_theme = themes.create_theme(runtime, theirs.facilitator, "Their own theme", [])
    assert their_theme == gone  # the freed id, given to the other workshop

    assert themes.undo(runtime, ours.facilitator) == "delete"

    def names(room: Room) -> list[str]:
        with runtime.store.reading() as db:
            return sorted(t.name for t in themes.board(db, room.workshop_id, []).themes)

    assert names(theirs) == ["Their own theme"]
    assert names(ours) == ["Handovers", "Kindness"]
    assert kept in {t.id for t in _themes_of(runtime, ours)}


def _themes_of(runtime: Runtime, room: Room) -> list:
    with runtime.store.reading() as db:
        return list(themes.board(db, room.workshop_id, []).themes)
