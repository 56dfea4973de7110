"""Who the browser is, from the signed session cookie: facilitator, participant or stranger.

The cookie holds, per workshop code, either the facilitator's key (checked against its hash
on every use, so a new key locks old sessions out) or a random participant id with the
phone's author key: the secret that recognises its anonymous rows, kept nowhere else
(services.authorship). A facilitator
is signed in for ``FACILITATOR_IDLE`` after their last visit, not the cookie's 14 days: the
laptop may be shared or left in a seminar room. They can also sign out
(``sign_out_facilitator``).
"""

from __future__ import annotations

import time

from flask import current_app, request, session

from .. import runtime_of
from ..services import workshops as workshop_service
from ..services.access import Actor, key_matches
from ..services.authorship import AUTHOR_KEY_LENGTH, new_author_key
from ..store import Workshop
from .sender import device_id

# Seconds a facilitator stays signed in after their last page or push, and how stale the
# recorded visit may grow before it is written again (so not every request sets a cookie).
FACILITATOR_IDLE = 12 * 60 * 60
_TOUCH_AFTER = 5 * 60


def _entries() -> dict:
    return session.get("w", {})


def remember_facilitator(code: str, key: str) -> None:
    entries = dict(_entries())
    entries[code] = {"f": key, "t": int(time.time())}
    session["w"] = entries
    session.permanent = True


def remember_participant(code: str, participant_id: str, author_key: str | None = None) -> None:
    """This browser joined ``code`` as ``participant_id``; with a new author key unless one
    is given (a test's phone that already wrote something)."""
    entries = dict(_entries())
    entries[code] = {"p": participant_id, "k": author_key or new_author_key()}
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
        seen = entry.get("t")
        idle = time.time() - seen if isinstance(seen, int | float) else None
        if idle is not None and 0 <= idle <= FACILITATOR_IDLE:
            if idle > _TOUCH_AFTER:
                remember_facilitator(workshop.code, key)
            return Actor(workshop.id, "facilitator", device=device_id())
    participant_id = entry.get("p")
    if isinstance(participant_id, str) and workshop_service.is_participant(
            runtime_of(current_app), workshop.id, participant_id):
        return Actor(workshop.id, "participant", participant_id, _author_key(workshop.code),
                     device=device_id())
    return Actor(workshop.id, "stranger")


def _author_key(code: str) -> str | None:
    """This phone's author key for ``code``; a cookie from before keys gets one now (over
    a live connection the cookie cannot change, so it waits for the next page)."""
    entry = _entries().get(code, {})
    key = entry.get("k")
    if isinstance(key, str) and len(key) == AUTHOR_KEY_LENGTH:
        return key
    if getattr(request, "sid", None):
        return None
    key = new_author_key()
    entries = dict(_entries())
    entries[code] = {**entry, "k": key}
    session["w"] = entries
    return key


def holds(code: str) -> bool:
    """True if this browser has joined (or runs) the workshop with this code."""
    return code in _entries()


def forget(code: str) -> None:
    """Drop what this browser holds for a workshop that no longer exists."""
    entries = dict(_entries())
    if entries.pop(code, None) is not None:
        session["w"] = entries


def sign_out_facilitator(code: str) -> None:
    """Forget this browser's facilitator key for ``code`` (a participant's place is kept)."""
    entries = dict(_entries())
    if "f" in entries.get(code, {}):
        del entries[code]
        session["w"] = entries
