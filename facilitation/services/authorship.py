"""Who wrote an anonymous card, dream, statement, dot, check-out answer or story: known to the
phone that wrote it, and to nothing the server keeps.

Anonymous must hold against whoever holds the laptop: the database, its backup and the
secret key together. So an anonymous row never stores a participant id. It stores a *seal*
instead: a random nonce and an HMAC of it under the **author key**, 128 random bits that live
only in the phone's own signed cookie (``web.identity``), never in the database, a log or a
backup. When that phone asks, the server can tell which rows are its own (to mark them
"yours", count its dots, let it change its check-out); from the stored rows alone nobody
can, and two seals of one person look as unrelated as two seals of two people.

What the room needs to count about people — how many took part in an activity, how many dots
one person has spent, that a check-out is answered once — lives in ``Participation``: one
number per person per activity, never which rows. It is stored without insertion order
(see ``store.models.Participation``) so its order cannot be matched against the rows'.

Stories are known to two people. The interviewer seals the story at once; the teller's seal
can only be made on the teller's own phone, so until that phone next asks (it is told to, at
once) the story keeps its pair group and the teller's place in it, and then forgets both.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.models import Participation

ITEMS = "items"
DOTS = "dots"
_NONCE_BYTES = 12
_MAC_HEX = 32
Row = TypeVar("Row")


AUTHOR_KEY_LENGTH = 32


def new_author_key() -> str:
    """The secret a phone keeps to recognise its own anonymous rows."""
    return secrets.token_hex(AUTHOR_KEY_LENGTH // 2)


def _mac(author_key: str, message: str) -> str:
    return hmac.digest(author_key.encode(), message.encode(), "sha256").hex()[:_MAC_HEX]


def seal(author_key: str | None) -> str | None:
    """A fresh seal for one row: ``nonce:mac``; None without a key (the facilitator's)."""
    if not author_key:
        return None
    nonce = secrets.token_hex(_NONCE_BYTES)
    return f"{nonce}:{_mac(author_key, nonce)}"


def opens(author_key: str | None, sealed: str | None) -> bool:
    """True if ``sealed`` was made with ``author_key``."""
    if not author_key or not sealed:
        return False
    nonce, _, mac = sealed.partition(":")
    return bool(nonce) and hmac.compare_digest(_mac(author_key, nonce), mac)


def slot(author_key: str, purpose: str) -> str:
    """A seal fixed by ``purpose`` (e.g. "the story I record in pair group 7"), so it can be
    looked up by equality; only the MAC is stored, and it names nothing without the key."""
    return _mac(author_key, purpose)


def own(rows: Iterable[Row], author_key: str | None, attribute: str = "owner_tag") -> list[Row]:
    """The rows among ``rows`` whose seal opens with ``author_key``."""
    if not author_key:
        return []
    return [row for row in rows if opens(author_key, getattr(row, attribute))]


def count(db: Session, workshop_id: int, activity_key: str, participant_id: str | None,
          change: int, counting: str = ITEMS) -> int:
    """Add ``change`` to what this person has in this activity (``ITEMS`` written, or
    ``DOTS``); returns the new number."""
    if not participant_id:
        return 0
    row = db.get(Participation, (workshop_id, activity_key, participant_id, counting))
    if row is None:
        row = Participation(workshop_id=workshop_id, activity_key=activity_key,
                            participant_id=participant_id, counting=counting, items=0)
        db.add(row)
    row.items = max(0, row.items + change)
    db.flush()
    return row.items


def held(db: Session, workshop_id: int, activity_key: str, participant_id: str | None,
         counting: str = ITEMS) -> int:
    """How many items (or dots) this person has in this activity."""
    if not participant_id:
        return 0
    row = db.get(Participation, (workshop_id, activity_key, participant_id, counting))
    return row.items if row is not None else 0


def people(db: Session, workshop_id: int, activity_key: str, counting: str = ITEMS) -> int:
    """How many people have written something (or placed a dot) in this activity."""
    return db.scalar(select(func.count()).select_from(Participation).where(
        Participation.workshop_id == workshop_id, Participation.activity_key == activity_key,
        Participation.counting == counting, Participation.items > 0)) or 0
