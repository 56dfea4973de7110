"""Paired appreciative interviews: people pair up, ask the plan's questions in turn and
capture each other's story, choosing what to share with the room."""

from .base import Kind

KIND = Kind("interview", parts=frozenset({"room", "mine", "facilitator"}),
            plan_fields=frozenset({"questions"}), required_fields=frozenset({"questions"}),
            interviews=True, mine_heading="my-pair-heading")
