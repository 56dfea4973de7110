"""The service layer: every change a person makes goes through one function here that checks
who may do it, validates it, commits it, and then asks the broadcaster to tell the room."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..plans import Plan
from ..store import Store
from .errors import NotFound
from .group_commit import GroupCommit
from .limits import Limits


class Broadcaster(Protocol):
    """What the services need from the live layer; facilitation.live.broadcast provides it."""

    def contribution_added(self, workshop_id: int, contribution_id: int) -> None: ...

    def workshop_changed(self, workshop_id: int) -> None: ...

    def presence_changed(self, workshop_id: int) -> None: ...

    def connections_changed(self, workshop_id: int) -> None: ...

    def board_changed(self, workshop_id: int) -> None: ...

    def pairs_changed(self, workshop_id: int, participant_ids: Iterable[str] | None) -> None: ...

    def stories_changed(self, workshop_id: int, participant_ids: Iterable[str]) -> None: ...

    def timer_changed(self, workshop_id: int) -> None: ...

    def workshop_deleted(self, workshop_id: int) -> None: ...

    def votes_changed(self, workshop_id: int, participant_id: str) -> None: ...


@dataclass
class Runtime:
    """The long-lived parts a service call works with."""

    store: Store
    plans: dict[str, Plan]
    broadcaster: Broadcaster
    limits: Limits = field(default_factory=Limits)
    # Joins, and live connections opening, that arrive together are written together
    # (group_commit.py); who is connected is forgotten at a restart (services.presence).
    joins: GroupCommit = field(default_factory=GroupCommit)
    arrivals: GroupCommit = field(default_factory=lambda: GroupCommit(durable=False))

    def plan_for(self, name: str) -> Plan:
        """The plan called ``name``; raises NotFound, in words, if the plans folder no
        longer has it."""
        try:
            return self.plans[name]
        except KeyError:
            raise NotFound("There is no workshop plan called %(name)r.", name=name) from None
