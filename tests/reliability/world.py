"""Two workshops and the four kinds of people every rule is about: a stranger, a participant
of workshop A, a participant of workshop B and the facilitator of A."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy import func, select

from facilitation import runtime_of
from facilitation.services import workshops as workshop_service
from facilitation.store import Base, Workshop
from tests.integration.room import Person, join, start_workshop

STRANGER = "stranger"
PARTICIPANT_A = "participant of A"
PARTICIPANT_B = "participant of B"
FACILITATOR_A = "facilitator of A"
ACTORS = (STRANGER, PARTICIPANT_A, PARTICIPANT_B, FACILITATOR_A)


@dataclass
class World:
    app: Flask
    socketio: SocketIO
    a: str
    b: str
    people: dict[str, Person]
    facilitator_b: Person

    def snapshot(self, code: str) -> dict[str, object]:
        """Everything about one workshop that a request could change: its row and how many
        rows it has in every table that belongs to a workshop."""
        runtime = runtime_of(self.app)
        workshop = workshop_service.find(runtime, code)
        picture: dict[str, object] = {
            column.name: getattr(workshop, column.name)
            for column in Workshop.__table__.columns}
        with runtime.store.reading() as db:
            for table in Base.metadata.sorted_tables:
                if "workshop_id" in table.columns:
                    picture[table.name] = db.scalar(
                        select(func.count()).select_from(table)
                        .where(table.c.workshop_id == workshop.id))
        return picture


def open_first_phase(person: Person) -> None:
    response = person.post(f"/w/{person.code}/move", {"direction": "forward"},
                           page=f"/w/{person.code}/facilitate")
    assert response.status_code == 302, response.get_data(as_text=True)


def build_world(app: Flask, socketio: SocketIO) -> World:
    facilitator_a = start_workshop(app)
    facilitator_b = start_workshop(app)
    for facilitator in (facilitator_a, facilitator_b):
        open_first_phase(facilitator)
    people = {
        STRANGER: Person(app.test_client(), code=facilitator_a.code),
        PARTICIPANT_A: join(app, facilitator_a.code, "Priya Shah"),
        PARTICIPANT_B: join(app, facilitator_b.code, "Tom Okafor"),
        FACILITATOR_A: facilitator_a,
    }
    return World(app, socketio, facilitator_a.code, facilitator_b.code, people, facilitator_b)
