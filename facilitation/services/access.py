"""Who is acting: the facilitator of a workshop, one of its participants, or a stranger.

The web layer builds an Actor from the signed session cookie; services only ever ask the
Actor, so the same rule holds over HTTP and over Socket.IO.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from .errors import Forbidden

# No 0/O, 1/I/L: codes are read off a projector and typed on small phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


@dataclass(frozen=True)
class Actor:
    """One person in relation to one workshop."""

    workshop_id: int
    role: str  # "facilitator", "participant" or "stranger"
    participant_id: str | None = None
    # The phone's own secret for its anonymous rows (services.authorship); never stored.
    author_key: str | None = field(default=None, repr=False, compare=False)
    # The browser's long-lived random id (web/sender.py), for the limits only; never stored.
    device: str | None = field(default=None, compare=False)

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"

    @property
    def is_participant(self) -> bool:
        return self.role == "participant"


def require_facilitator(actor: Actor) -> None:
    """Refuse anything but the facilitator of this workshop."""
    if not actor.is_facilitator:
        raise Forbidden("Only the facilitator can do that.")


def require_member(actor: Actor) -> None:
    """Refuse strangers: only the facilitator and people who joined may take part."""
    if actor.role not in ("facilitator", "participant"):
        raise Forbidden("Please join the workshop first.")


def new_join_code() -> str:
    """A short random code people can type from the projector."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """Accept codes typed in lower case, with spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:12]


def new_facilitator_key() -> str:
    """The facilitator's secret: 192 random bits, shown once in links, stored only hashed."""
    return secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    """SHA-256 is enough here: the key is long and random, so it cannot be guessed offline."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented key with the stored hash."""
    return hmac.compare_digest(hash_key(key or ""), stored_hash)


def new_participant_id() -> str:
    """A random pseudonymous id: nothing about the person is in it."""
    return secrets.token_hex(16)
