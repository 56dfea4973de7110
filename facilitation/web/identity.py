"""Who the browser is, from the signed session cookie: facilitator, participant or stranger.

The cookie holds, per workshop code, either the facilitator's key (checked against its hash
on every use, so a new key locks old sessions out) or a random participant id.
"""

from __future__ import annotations

from flask import current_app, session

from .. import runtime_of
from ..services import workshops as workshop_service
from ..services.access import Actor, key_matches
from ..store import Workshop


def _entries() -> dict:
    return session.get("w", {})


def remember_facilitator(code: str, key: str) -> None:
    entries = dict(_entries())
    entries[code] = {"f": key}
    session["w"] = entries
    session.permanent = True


def remember_participant(code: str, participant_id: str) -> None:
    entries = dict(_entries())
    entries[code] = {"p": participant_id}
    session["w"] = entries
    session.permanent = True


def facilitator_key(code: str) -> str | None:
    """The facilitator key this browser holds for ``code`` (to show their private link)."""
    return _entries().get(code, {}).get("f")


def actor_for(workshop: Workshop) -> Actor:
    """Identify the current browser for ``workshop``."""
    entry = _entries().get(workshop.code, {})
    key = entry.get("f")
    if isinstance(key, str) and key_matches(key, workshop.facilitator_key_hash):
        return Actor(workshop.id, "facilitator")
    participant_id = entry.get("p")
    if isinstance(participant_id, str) and workshop_service.is_participant(
            runtime_of(current_app), workshop.id, participant_id):
        return Actor(workshop.id, "participant", participant_id)
    return Actor(workshop.id, "stranger")


def holds(code: str) -> bool:
    """True if this browser has joined (or runs) the workshop with this code."""
    return code in _entries()


def forget(code: str) -> None:
    """Drop what this browser holds for a workshop that no longer exists."""
    entries = dict(_entries())
    if entries.pop(code, None) is not None:
        session["w"] = entries
