"""Facilitators signed in on the server: the browser holds a random token, the database its
hash, and the key never rides in a cookie.

The session cookie is signed, not encrypted: whatever is in it can be read by anyone who
sees it. So signing in with the private link (the key) starts a session here and the cookie
gets only the session's token. The session ends after ``IDLE`` without a visit (a laptop
left in a seminar room), at Sign out, when the workshop's key changes and when the workshop
is deleted (its rows cascade). A replayed cookie of an ended session opens nothing. A
facilitator who showed their link by mistake can replace the key (``replace_key``).

The facilitator's own pages still show their private link: the session keeps the key sealed
with its token, which only the browser holds, so the database alone cannot unseal it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, update
from sqlalchemy.orm import Session

from ..store.models import FacilitatorSession, Workshop
from . import Runtime
from .access import Actor, hash_key, new_facilitator_key, require_facilitator
from .errors import NotFound

# A facilitator stays signed in this long after their last page or push, and the visit is
# written down again only once it is this stale (not on every request).
IDLE = timedelta(hours=12)
TOUCH_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class SignedIn:
    """A live session: which workshop, and the private key if this browser can unseal it."""

    workshop_id: int
    key: str | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _pad(token: str, length: int) -> bytes:
    blocks = (length + 31) // 32
    stream = b"".join(hmac.new(token.encode("utf-8"), b"facilitator key %d" % n,
                               hashlib.sha256).digest() for n in range(blocks))
    return stream[:length]


def _seal(key: str, token: str) -> str | None:
    raw = key.encode("utf-8")
    if len(raw) > 64:  # no key made here is; such a one is simply not shown
        return None
    return bytes(a ^ b for a, b in zip(raw, _pad(token, len(raw)), strict=True)).hex()


def _unseal(sealed: str | None, token: str) -> str | None:
    if not sealed:
        return None
    try:
        raw = bytes.fromhex(sealed)
        return bytes(a ^ b for a, b in zip(raw, _pad(token, len(raw)), strict=True)).decode()
    except ValueError:
        return None


def start(rt: Runtime, workshop_id: int, key: str | None, now: datetime | None = None) -> str:
    """A new session for ``workshop_id``; returns its token, for the browser's cookie only.
    Sessions of this workshop already past their idle time go at the same moment."""
    token = secrets.token_urlsafe(32)
    now = now or datetime.now(UTC)
    with rt.store.transaction() as db:
        db.execute(delete(FacilitatorSession).where(
            FacilitatorSession.workshop_id == workshop_id,
            FacilitatorSession.last_seen_at < now - IDLE))
        db.add(FacilitatorSession(token_hash=_hash(token), workshop_id=workshop_id,
                                  sealed_key=_seal(key, token) if key else None,
                                  created_at=now, last_seen_at=now))
    return token


def signed_in(rt: Runtime, workshop_id: int, token: object,
              now: datetime | None = None) -> SignedIn | None:
    """The session ``token`` names for this workshop, if it is still live (its visit is
    recorded); None for anything else. A session past its idle time is deleted here."""
    if not isinstance(token, str) or not token:
        return None
    token_hash = _hash(token)
    now = now or datetime.now(UTC)
    with rt.store.reading() as db:
        session = db.get(FacilitatorSession, token_hash)
    if session is None or session.workshop_id != workshop_id:
        return None
    seen = _aware(session.last_seen_at)
    if now - seen > IDLE or seen - now > TOUCH_AFTER:  # long idle, or from the future
        end(rt, token)
        return None
    if now - seen > TOUCH_AFTER:
        with rt.store.transaction() as db:
            db.execute(update(FacilitatorSession)
                       .where(FacilitatorSession.token_hash == token_hash)
                       .values(last_seen_at=now))
    return SignedIn(workshop_id, _unseal(session.sealed_key, token))


def end(rt: Runtime, token: object) -> None:
    """Sign out: the session is gone, so its cookie opens nothing even if kept or copied."""
    if not isinstance(token, str) or not token:
        return
    with rt.store.transaction() as db:
        db.execute(delete(FacilitatorSession)
                   .where(FacilitatorSession.token_hash == _hash(token)))


def replace_key(rt: Runtime, actor: Actor) -> str:
    """A new private link, for one shown by mistake: the old key stops working and every
    session of the workshop ends, this one too (the caller signs its browser in again with
    the new key). Returns the new key."""
    require_facilitator(actor)
    key = new_facilitator_key()
    with rt.store.transaction() as db:
        changed = db.execute(update(Workshop).where(Workshop.id == actor.workshop_id)
                             .values(facilitator_key_hash=hash_key(key)))
        if not changed.rowcount:
            raise NotFound("This workshop no longer exists.")
        end_all(db, actor.workshop_id)
    return key


def end_all(db: Session | Connection, workshop_id: int) -> None:
    """Every session of a workshop ends, inside the caller's transaction (its key changed)."""
    db.execute(delete(FacilitatorSession).where(FacilitatorSession.workshop_id == workshop_id))


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
