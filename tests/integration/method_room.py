"""A workshop that has been through Discover (a shared story, cards, two themes), ready for
Dream, Design and Deliver; and browsers (test clients) for each of its people."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from facilitation.services import Runtime, contributions, pairs, stories, themes
from facilitation.services.access import Actor, hash_key
from facilitation.store import Workshop
from facilitation.web.identity import remember_participant

from .discover_room import Room, discover_room

FACILITATOR_KEY = "method-room-key-123"


@dataclass
class MethodRoom:
    room: Room
    theme_ids: list[int]
    story_id: int

    @property
    def rt(self) -> Runtime:
        return self.room.rt

    @property
    def facilitator(self) -> Actor:
        return self.room.facilitator

    @property
    def people(self) -> list[Actor]:
        return self.room.people

    def go_to(self, activity_key: str) -> None:
        self.room.go_to(activity_key)


def after_discover(rt: Runtime, people: int = 4, names: tuple[str, ...] = ()) -> MethodRoom:
    """Pairs, one story shared with the room, four cards and two themes."""
    room = discover_room(rt, people, names)
    pairs.form_pairs(rt, room.facilitator)
    story = stories.save_story(rt, room.people[0], {"headline": "Porter stayed to help us",
                                                    "sharing": "room"})
    room.go_to("share-what-you-heard")
    texts = ["Thank you at every handover", "Matron said thanks", "Buddies for new starters",
             "Bank staff welcomed like family"]
    ids = [contributions.contribute(rt, room.people[i % people], "share-what-you-heard", text,
                                    f"card-{i:04d}")[0].id for i, text in enumerate(texts)]
    # Themes are made here (not on the theme board) so the tests need no suggestion engine.
    thanks = themes.create_theme(rt, room.facilitator, "Saying thank you",
                                 [f"contribution:{ids[0]}", f"contribution:{ids[1]}"])
    welcome = themes.create_theme(rt, room.facilitator, "A real welcome",
                                  [f"contribution:{ids[2]}", f"contribution:{ids[3]}"])
    return MethodRoom(room, [thanks, welcome], story.id)


def participant_client(app: Flask, code: str, actor: Actor) -> FlaskClient:
    """A browser holding this participant's signed cookie."""
    with app.test_request_context():
        from flask import session

        remember_participant(code, actor.participant_id, actor.author_key)
        cookie = dict(session)
    client = app.test_client()
    with client.session_transaction() as saved:
        saved.update(cookie)
    return client


def facilitator_client(app: Flask, rt: Runtime, room: Room) -> FlaskClient:
    with rt.store.transaction() as db:
        db.get(Workshop, room.workshop_id).facilitator_key_hash = hash_key(FACILITATOR_KEY)
    client = app.test_client()
    assert client.get(f"/w/{room.code}/f/{FACILITATOR_KEY}").status_code == 302
    return client


def every_view(app: Flask, rt: Runtime, room: Room) -> list[str]:
    """Every page and fragment anyone can fetch right now: participants, facilitator,
    projector."""
    pages = []
    for actor in room.people:
        client = participant_client(app, room.code, actor)
        pages += [client.get(f"/w/{room.code}{path}").get_data(as_text=True)
                  for path in ("/", "/state", "/me", "/me?part=my-votes")]
    facilitator = facilitator_client(app, rt, room)
    pages += [facilitator.get(f"/w/{room.code}{path}").get_data(as_text=True)
              for path in ("/facilitate", "/projector", "/state", "/state?view=projector")]
    return pages
