"""The registry of activity kinds: every kind a plan may use, one module each.

Everything else loops over ``KINDS`` or asks a kind's facts (``of``); nothing branches on a
kind's name. Adding a kind: write its module (a ``Kind``), add it to ``KINDS`` below, and
give it its templates in ``templates/kinds/<name>/``; the services that read and write it
register their parts (services/parts.py).
"""

from __future__ import annotations

from . import commitments, dreams, interview, propositions, pulse, themes, wall
from .base import PARTS, Kind

WALL = wall.KIND
INTERVIEW = interview.KIND
THEMES = themes.KIND
DREAMS = dreams.KIND
PROPOSITIONS = propositions.KIND
COMMITMENTS = commitments.KIND
PULSE = pulse.KIND
KINDS: tuple[Kind, ...] = (WALL, INTERVIEW, THEMES, DREAMS, PROPOSITIONS, COMMITMENTS, PULSE)
_BY_NAME = {kind.name: kind for kind in KINDS}
NAMES: tuple[str, ...] = tuple(_BY_NAME)

__all__ = ["COMMITMENTS", "DREAMS", "INTERVIEW", "KINDS", "NAMES", "PARTS", "PROPOSITIONS",
           "PULSE", "THEMES", "WALL", "Kind", "named", "of"]


def named(name: str | None) -> Kind | None:
    """The kind called ``name``, if there is one."""
    return _BY_NAME.get(name) if name else None


def of(activity: object) -> Kind | None:
    """The kind of ``activity`` (anything with a ``kind`` name), if it has one."""
    return named(getattr(activity, "kind", None))
