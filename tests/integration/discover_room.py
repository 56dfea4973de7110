"""Set up a workshop in its Discover interview through the services, with people present."""

from __future__ import annotations

from dataclasses import dataclass

from facilitation.services import Runtime, presence
from facilitation.services import workshops as workshop_service
from facilitation.services.access import Actor
from facilitation.services.authorship import new_author_key


@dataclass
class Room:
    rt: Runtime
    workshop_id: int
    code: str
    facilitator: Actor
    people: list[Actor]

    def arrive(self, name: str | None = None) -> Actor:
        """Someone joins and their phone connects."""
        pid = workshop_service.join(self.rt, self.workshop_id, name)
        presence.connected(self.rt, pid, +1)
        actor = Actor(self.workshop_id, "participant", pid, new_author_key())
        self.people.append(actor)
        return actor

    def go_to(self, activity_key: str) -> None:
        plan = self.rt.plans["at-our-best-with-each-other"]
        target = plan.activity(activity_key).phase
        from facilitation.store import Workshop

        with self.rt.store.reading() as db:
            phase = db.get(Workshop, self.workshop_id).phase
        while phase != target:
            phase = workshop_service.move(self.rt, self.facilitator, "forward")
        workshop_service.choose_activity(self.rt, self.facilitator, activity_key)


def discover_room(rt: Runtime, people: int = 0, names: tuple[str, ...] = ()) -> Room:
    workshop, _key = workshop_service.create(rt, "at-our-best-with-each-other")
    room = Room(rt, workshop.id, workshop.code, Actor(workshop.id, "facilitator"), [])
    for index in range(people):
        room.arrive(names[index] if index < len(names) else None)
    room.go_to("best-of-us-interview")
    return room
