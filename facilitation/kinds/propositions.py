"""Provocative propositions: bold statements of how we will work, in the plan's design
areas, improved together and chosen with dots."""

from .base import Kind

KIND = Kind("propositions", parts=frozenset({"room", "mine", "facilitator", "shared"}),
            plan_fields=frozenset({"dots", "design_areas"}),
            required_fields=frozenset({"design_areas"}), shows_themes=True,
            vote_target="proposition", own_list="my-votes", mine_heading="my-work-heading",
            reveals_results=True)
