"""Template helpers for Dream, Design and Deliver: dates in words, bar widths, labels."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from ..services import deliver, pulse
from ..statement_advice import proposition_hints
from ..translation import say_day


def share(value: int | None, most: int) -> int:
    """A bar's length in tenths of the longest, for the CSS classes share-0 … share-10
    (the page's security policy allows no inline styles)."""
    if not value or not most:
        return 0
    return max(1, round(10 * value / most))


def method_globals() -> dict[str, object]:
    return {
        "say_day": say_day,
        "today": date.today,
        "days_later": lambda days: date.today() + timedelta(days=days),
        "first_step_days": deliver.FIRST_STEP_DAYS,
        "commitment_kinds": deliver.KINDS,
        "pulse_scale": pulse.SCALE,
        "scale_words": pulse.SCALE_WORDS,
        "min_pulse_responses": pulse.MIN_RESPONSES,
        "bar_share": share,
        "new_client_id": lambda: secrets.token_urlsafe(12),
        "wording_hints": proposition_hints,
    }
