"""The Appreciative Inquiry cycle itself: phases, their order and the kinds of activity.

Pure Python on purpose: the rules of the method are read and tested here without Flask,
Socket.IO or a database.
"""

from __future__ import annotations

from dataclasses import dataclass

from .translation import N_, TranslatedError, translate


@dataclass(frozen=True)
class Phase:
    """One step of the workshop as people see it (its words in the reader's language)."""

    key: str
    english_label: str
    english_purpose: str
    open_for_contributions: bool

    @property
    def label(self) -> str:
        return translate(self.english_label)

    @property
    def purpose(self) -> str:
        return translate(self.english_purpose)


PHASES: tuple[Phase, ...] = (
    Phase("lobby", N_("Welcome"), N_("People are arriving and joining."), False),
    Phase("define", N_("Define"), N_("Agree what we want to learn more about."), True),
    Phase("discover", N_("Discover"), N_("Share stories of us at our best."), True),
    Phase("dream", N_("Dream"), N_("Imagine our future at its best."), True),
    Phase("design", N_("Design"), N_("Say boldly what we will be like."), True),
    Phase("deliver", N_("Deliver"), N_("Choose what we will do, and when."), True),
    Phase("closed", N_("Closed"), N_("The workshop has ended. Thank you."), False),
)

#: The five phases of the 4-D cycle that a plan fills with activities, in order.
METHOD_PHASES: tuple[str, ...] = ("define", "discover", "dream", "design", "deliver")

_BY_KEY = {phase.key: phase for phase in PHASES}
_ORDER = [phase.key for phase in PHASES]


class CycleError(TranslatedError, ValueError):
    """A move the cycle does not allow; ``message`` is in the reader's language."""


def phase(key: str) -> Phase:
    """Return the phase called ``key``; raise CycleError for an unknown name."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise CycleError("There is no phase called %(key)r.", key=key) from None


def next_phase(key: str) -> str:
    """The phase after ``key``; the closed workshop has nowhere further to go."""
    index = _ORDER.index(phase(key).key)
    if index == len(_ORDER) - 1:
        raise CycleError("The workshop has already closed.")
    return _ORDER[index + 1]


def previous_phase(key: str) -> str:
    """The phase before ``key``; the lobby is the first step."""
    index = _ORDER.index(phase(key).key)
    if index == 0:
        raise CycleError("The workshop is already at its first step.")
    return _ORDER[index - 1]


def step(key: str, direction: str) -> str:
    """Move one phase ``forward`` or ``back`` from ``key``."""
    if direction == "forward":
        return next_phase(key)
    if direction == "back":
        return previous_phase(key)
    raise CycleError("Choose to move forward or back.")


def position(key: str) -> tuple[int, int]:
    """1-based place of a method phase among the five, for 'Phase 2 of 5' labels."""
    if key not in METHOD_PHASES:
        return (0, len(METHOD_PHASES))
    return (METHOD_PHASES.index(key) + 1, len(METHOD_PHASES))
