"""Cleaning and limits for everything people type: one place, so every field behaves alike."""

from __future__ import annotations

import re
import unicodedata

from ..translation import Term
from .errors import Invalid

# C0/C1 control characters except tab and newline, direction overrides and lone surrogate
# halves (a broken page's JSON can carry them; no database or export can store one): they
# break exports and can hide or reorder text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What shows on a screen: letters, marks, numbers, punctuation and symbols (emoji included).
# Text of nothing else (zero-width spaces and joiners, say) looks empty, so it is empty.
_SEEN = frozenset("LMNPS")

LIMITS = {
    "contribution": 2000,
    "display_name": 40,
    "title": 120,
    "topic_title": 120,
    "topic_question": 500,
    "organisation": 120,
    "facilitator_name": 80,
    "headline": 200,
    "story_notes": 4000,
    "story_field": 1000,
    "quote": 500,
    "theme_name": 80,
    "pair_code": 8,
    "dream": 1000,
    "proposition": 600,
    "area_name": 80,
    "commitment": 500,
    "owner_name": 80,
    "helpers": 200,
    "team_name": 80,
    "pulse_word": 40,
}


def clean(value: object, field: str, label: str, *, required: bool = True,
          multiline: bool = False) -> str | None:
    """Normalise ``value`` and enforce the limit for ``field``; ``label`` names it in messages."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("%(label)s must be text.", label=Term(label))
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if not any(unicodedata.category(ch)[0] in _SEEN for ch in text):
        text = ""
    if not text:
        if required:
            raise Invalid("%(label)s is empty. Please write something first.", label=Term(label))
        return None
    limit = LIMITS[field]
    if len(text) > limit:
        raise Invalid("%(label)s is %(length)s characters long; the limit is %(limit)s. "
                      "Please shorten it: your text is still in the box.", label=Term(label),
                      length=len(text), limit=limit)
    return text
