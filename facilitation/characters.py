"""Which characters text may hold, one rule wherever text arrives: forms (services.text),
plan files (plans) and backups (export.backup_schema).

Pure Python, below every layer, so the plan reader can use it without importing the services.
"""

from __future__ import annotations

import re
import unicodedata

# C0/C1 control characters except tab and newline, direction overrides and lone surrogate
# halves (a broken page's JSON can carry them; no database or export can store one): they
# break exports and can hide or reorder text.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What shows on a screen: letters, marks, numbers, punctuation and symbols (emoji included).
# Text of nothing else (zero-width spaces and joiners, say) looks empty, so it is empty.
_SEEN = frozenset("LMNPS")


def visible(text: str) -> bool:
    """True if ``text`` shows anything at all on a screen."""
    return any(unicodedata.category(ch)[0] in _SEEN for ch in text)


def forbidden(text: str) -> str | None:
    """The first character ``text`` may not hold, described for a message, or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"half of a character (the lone surrogate U+{code:04X})"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"a text-direction control (U+{code:04X})"
    return f"a control character (U+{code:04X})"
