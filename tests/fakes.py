"""A broadcaster that records what the services ask to push, and to whom, instead of
rendering and sending it: service tests assert on what the room is told, not on markup."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class RecordingBroadcaster:
    """The services' Broadcaster (facilitation.services.Broadcaster), recording each call as
    (what, workshop id, whom) in order."""

    calls: list[tuple] = field(default_factory=list)

    def told(self, what: str) -> list[tuple]:
        """The recorded calls of one kind, without their name."""
        return [call[1:] for call in self.calls if call[0] == what]

    def clear(self) -> None:
        self.calls.clear()

    def contribution_added(self, workshop_id: int, contribution_id: int) -> None:
        self.calls.append(("contribution_added", workshop_id, contribution_id))

    def workshop_changed(self, workshop_id: int) -> None:
        self.calls.append(("workshop_changed", workshop_id))

    def presence_changed(self, workshop_id: int) -> None:
        self.calls.append(("presence_changed", workshop_id))

    def connections_changed(self, workshop_id: int) -> None:
        self.calls.append(("connections_changed", workshop_id))

    def board_changed(self, workshop_id: int) -> None:
        self.calls.append(("board_changed", workshop_id))

    def pairs_changed(self, workshop_id: int, participant_ids: Iterable[str] | None) -> None:
        self.calls.append(("pairs_changed", workshop_id,
                           None if participant_ids is None else frozenset(participant_ids)))

    def stories_changed(self, workshop_id: int, participant_ids: Iterable[str]) -> None:
        self.calls.append(("stories_changed", workshop_id, frozenset(participant_ids)))

    def timer_changed(self, workshop_id: int) -> None:
        self.calls.append(("timer_changed", workshop_id))

    def workshop_deleted(self, workshop_id: int) -> None:
        self.calls.append(("workshop_deleted", workshop_id))

    def votes_changed(self, workshop_id: int, participant_id: str) -> None:
        self.calls.append(("votes_changed", workshop_id, participant_id))
