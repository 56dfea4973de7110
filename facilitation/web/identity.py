"""Who the browser is, from the signed session cookie: facilitator, participant or stranger.

The cookie holds, per workshop code, either a facilitator's session token (``{"s": token}``;
the session itself lives on the server, services.facilitator_sessions, so the key is never
in the cookie) or a random participant id with the phone's author key: the secret that
recognises its anonymous rows, kept nowhere else (services.authorship). A facilitator is
signed in for ``FACILITATOR_IDLE`` after their last visit, not the cookie's 14 days: the
laptop may be shared or left in a seminar room. They can also sign out
(``sign_out_facilitator``), which ends the session on the server: a copy of the old cookie
opens nothing.
"""

from __future__ import annotations

import time

from flask import current_app, g, request, session

from .. import runtime_of
from ..services import facilitator_sessions
from ..services import workshops as workshop_service
from ..services.access import Actor, key_matches
from ..services.authorship import AUTHOR_KEY_LENGTH, new_author_key
from ..store import Workshop
from .sender import device_id

# How long a facilitator stays signed in after their last page or push.
FACILITATOR_IDLE = facilitator_sessions.IDLE


def _entries() -> dict:
    return session.get("w", {})


def remember_facilitator(workshop: Workshop, key: str | None) -> None:
    """Sign this browser in as ``workshop``'s facilitator: a new session on the server, and
    only its token in the cookie (``key``, when known, is kept sealed to show their link)."""
    token = facilitator_sessions.start(runtime_of(current_app), workshop.id, key)
    entries = dict(_entries())
    entries[workshop.code] = {"s": token}
    session["w"] = entries
    session.permanent = True


def remember_participant(code: str, participant_id: str, author_key: str | None = None) -> None:
    """This browser joined ``code`` as ``participant_id``; with a new author key unless one
    is given (a test's phone that already wrote something)."""
    entries = dict(_entries())
    entries[code] = {"p": participant_id, "k": author_key or new_author_key()}
    session["w"] = entries
    session.permanent = True


def _signed_in(workshop: Workshop) -> facilitator_sessions.SignedIn | None:
    """This browser's live facilitator session for ``workshop``, looked up once a request."""
    cache = g.setdefault("facilitator_sessions", {})
    if workshop.id not in cache:
        entry = _entries().get(workshop.code, {})
        token = entry.get("s") or _from_before_sessions(workshop, entry)
        cache[workshop.id] = facilitator_sessions.signed_in(
            runtime_of(current_app), workshop.id, token) if token else None
    return cache[workshop.id]


def _from_before_sessions(workshop: Workshop, entry: dict) -> str | None:
    """A cookie from before server-side sessions held the key itself (``{"f": key, "t": last
    visit}``). The key leaves the cookie at its first visit to that workshop; if it was
    still signed in, it becomes a session, so an update never locks a facilitator out of a
    workshop whose link they only ever read on its pages. (Cookies last 14 days: after that
    no such entry is left.)"""
    key = entry.get("f")
    if key is None:
        return None
    forget(workshop.code)
    seen = entry.get("t")
    idle = time.time() - seen if isinstance(seen, int | float) else -1.0
    if isinstance(key, str) and key_matches(key, workshop.facilitator_key_hash) \
            and 0 <= idle <= FACILITATOR_IDLE.total_seconds():
        remember_facilitator(workshop, key)
        return _entries()[workshop.code]["s"]
    return None


def facilitator_key(workshop: Workshop) -> str | None:
    """The facilitator key of this browser's session (to show their private link)."""
    signed_in = _signed_in(workshop)
    return signed_in.key if signed_in else None


def actor_for(workshop: Workshop) -> Actor:
    """Identify the current browser for ``workshop``."""
    if _signed_in(workshop) is not None:
        return Actor(workshop.id, "facilitator", device=device_id())
    participant_id = _entries().get(workshop.code, {}).get("p")
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
    """End this browser's facilitator session for ``code`` on the server and drop its token
    (a participant's place is kept)."""
    entries = dict(_entries())
    token = entries.get(code, {}).get("s")
    if token is not None:
        facilitator_sessions.end(runtime_of(current_app), token)
        del entries[code]
        session["w"] = entries
