"""Cleaning and limits for everything people type: one place, so every field behaves alike."""

from __future__ import annotations

import unicodedata

from ..characters import FORBIDDEN, visible
from ..translation import Term
from .errors import Invalid

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
    text = FORBIDDEN.sub("", text)  # which characters: see facilitation/characters.py
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    if not visible(text):
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
