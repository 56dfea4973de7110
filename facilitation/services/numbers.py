"""Numbers people and pages send: ids, versions, minutes, answers on a scale.

Python's ``int()`` and ``str.isdigit()`` both accept more than a page sends: ``isdigit()`` is
true for "²" and "٣", ``int("²")`` raises, and ``int("٣")`` is 3; an id of 10**20 passes both
and then makes SQLite raise. Every number that arrives from outside is read here instead: ASCII
digits only, no sign, no spaces inside, and no larger than a database id can be. Whatever
else arrives is ``None``, which each caller turns into its own clear message.
"""

from __future__ import annotations

# The largest id SQLite and PostgreSQL store (a signed 64-bit integer).
LARGEST = 2**63 - 1
_ASCII_DIGITS = frozenset("0123456789")


def whole_number(value: object, largest: int = LARGEST) -> int | None:
    """``value`` as a whole number from 0 to ``largest``, or None if it is anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= largest else None
    text = str(value if value is not None else "").strip()
    if not text or len(text) > len(str(largest)) or not set(text) <= _ASCII_DIGITS:
        return None
    number = int(text)
    return number if number <= largest else None


def record_id(value: object) -> int:
    """A database id, or -1 when ``value`` cannot be one: no row has it, so a lookup with
    it finds nothing and the caller's own "no longer there" message answers."""
    number = whole_number(value)
    return -1 if number is None else number
