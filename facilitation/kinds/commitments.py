"""Commitments: what each of us will do, by when, and the action teams that carry a
statement forward."""

from .base import Kind

KIND = Kind("commitments", parts=frozenset({"room", "mine", "facilitator"}),
            own_list="my-teams", mine_heading="my-work-heading")
