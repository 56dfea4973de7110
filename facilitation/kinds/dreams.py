"""Dreams: everyone writes what the future looks like at its best, then places dots on the
dreams that matter most to them."""

from .base import Kind

KIND = Kind("dreams", parts=frozenset({"room", "mine", "facilitator", "shared"}),
            plan_fields=frozenset({"dots", "horizon_months"}), shows_themes=True,
            vote_target="contribution", own_list="my-votes", mine_heading="my-work-heading",
            reveals_results=True, cards_are_dreams=True)
