"""The check-out: four questions answered on a scale of one to five and a word, reported
only as averages, spreads and words."""

from .base import Kind

KIND = Kind("pulse", parts=frozenset({"room", "mine", "facilitator", "shared"}),
            plan_fields=frozenset({"pulse_questions"}),
            required_fields=frozenset({"pulse_questions"}), mine_heading="my-work-heading",
            reveals_results=True)
