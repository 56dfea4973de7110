"""Reading a backup file's JSON without trusting it: a size cap, a nesting cap checked before
the (recursive) parser runs, and every oddity Python's reader would accept or choke on (a
number of 5,000 digits, NaN, a name given twice) kept as a value, so that the rules in
backup_schema.py can say in which table, row and field it is.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .backup import BackupError

#: Far beyond any workshop's backup (one of 60 people and 1,000 cards is about 0.7 MB),
#: and small enough to read into memory.
MAX_BYTES = 64 * 1024 * 1024
#: A backup is four levels deep; much deeper is not one, and would exhaust the parser's stack.
MAX_DEPTH = 100
#: The longest a whole number in a backup is ever written (a 64-bit integer has 19 digits).
_MOST_DIGITS = 20


class Huge:
    """A number too long to be any database's (read as this, never converted)."""

    def __init__(self, written: str) -> None:
        self.digits = len(written.lstrip("-"))
        self.written = written if self.digits <= 40 else ""

    def __str__(self) -> str:
        return f"{int(self.written):,}" if self.written else f"a number of {self.digits:,} digits"


class NotANumber:
    """JSON has no NaN or Infinity; Python's reader accepts them, a backup never holds one."""

    def __init__(self, written: str) -> None:
        self.written = written

    def __str__(self) -> str:
        return self.written


class JsonObject(dict):
    """A JSON object; ``twice`` is the first name it gave twice (JSON keeps only the last)."""

    twice: str | None = None


def _whole(written: str) -> int | Huge:
    return Huge(written) if len(written) > _MOST_DIGITS else int(written)


def _object(pairs: list[tuple[str, Any]]) -> JsonObject:
    made = JsonObject(pairs)
    if len(made) < len(pairs):
        seen: set[str] = set()
        made.twice = next(name for name, _value in pairs if name in seen or seen.add(name))
    return made


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before the (recursive) parser sees it."""
    depth = 0
    for bracket in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            break
    else:
        return
    depth = 0
    for token in _BRACKET_OR_STRING.finditer(text):  # again, slowly, to say where
        if token.group() in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                raise BackupError(f"the file is nested more than {MAX_DEPTH} levels deep at "
                                  f"line {line:,}, and a backup is only four deep")
        elif token.group() in ("]", "}"):
            depth -= 1


def parse(content: bytes) -> Any:
    """The JSON in ``content``, with a clear refusal for what JSON or Python would choke on."""
    if len(content) > MAX_BYTES:
        raise BackupError(f"the file is larger than {MAX_BYTES:,} bytes (64 MB), the most a "
                          "backup may be")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BackupError(f"this is not a JSON backup file (byte {exc.start:,} is not "
                          "UTF-8 text)") from None
    _check_depth(text)
    try:
        return json.loads(text, parse_int=_whole, parse_constant=NotANumber,
                          object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise BackupError(f"this is not a JSON backup file ({exc.msg} at line {exc.lineno:,}, "
                          f"column {exc.colno:,})") from None

