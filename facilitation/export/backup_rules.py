"""The rules a backup's field may have, each saying in a few words what is wrong with a value:
the building blocks of the declarations in backup_schema.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from .. import characters
from ..plans import Plan
from ..services.numbers import LARGEST
from .backup_json import Huge, NotANumber


def shown(value: Any) -> str:
    """``value`` as a message shows it: quoted, invisible characters escaped, kept short."""
    if isinstance(value, Huge | NotANumber):
        return str(value)
    if isinstance(value, list | dict):
        return kind_of(value)
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:36]}…{text[-1]}"


def kind_of(value: Any) -> str:
    """The JSON type of ``value``, in words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | Huge):
        return "a whole number"
    if isinstance(value, float | NotANumber):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


@dataclass
class Context:
    """What the checks have learnt so far: the plan, and each table's row keys."""

    plans: Mapping[str, Plan]
    plan: Plan | None = None
    keys: dict[str, set[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """A field's rule; ``problem`` says what is wrong with a value (never null: null is
    allowed exactly when ``optional``), completing "table T, row N, field F …"."""

    optional: bool = field(default=False, kw_only=True)

    def maybe(self) -> Rule:
        """The same rule for a field that may also be null."""
        return replace(self, optional=True)

    def problem(self, value: Any, ctx: Context) -> str | None:
        raise NotImplementedError

    def reference(self, value: Any, row: Mapping[str, Any], ctx: Context) -> str | None:
        """For a field that points at a row: what is wrong with where it points."""
        return None


@dataclass(frozen=True)
class Text(Rule):
    """Text people typed (or a plan supplied): the live app's limit and character rules."""

    limit: int

    def problem(self, value: Any, ctx: Context) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {kind_of(value)}"
        if len(value) > self.limit:
            return f"is {len(value):,} characters long; the limit is {self.limit:,}"
        bad = characters.forbidden(value)
        if bad:
            return f"holds {bad}, which typed text never does"
        if not characters.visible(value):
            return "is empty or shows nothing (only spaces or invisible characters)"
        return None


@dataclass(frozen=True)
class Token(Rule):
    """A value the app itself makes, in its one shape (a code, an id, a hash)."""

    pattern: str
    meaning: str
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", re.compile(self.pattern))

    def problem(self, value: Any, ctx: Context) -> str | None:
        if not isinstance(value, str) or not self._compiled.fullmatch(value):
            return f"must be {self.meaning}, not {shown(value)}"
        return None


@dataclass(frozen=True)
class Choice(Rule):
    """One of a few words the app itself writes (a phase, a sharing level…)."""

    values: tuple[str, ...]

    def problem(self, value: Any, ctx: Context) -> str | None:
        if not isinstance(value, str) or value not in self.values:
            choices = ", ".join(repr(v) for v in self.values)
            return f"must be one of {choices}, not {shown(value)}"
        return None


@dataclass(frozen=True)
class Whole(Rule):
    """A whole number from ``low`` to ``high``: never a decimal, text or true/false."""

    low: int
    high: int

    def problem(self, value: Any, ctx: Context) -> str | None:
        if isinstance(value, Huge):
            return f"is {value}; it must be from {self.low:,} to {self.high:,}"
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {kind_of(value)}"
        if not self.low <= value <= self.high:
            return f"is {value:,}; it must be from {self.low:,} to {self.high:,}"
        return None


@dataclass(frozen=True)
class Flag(Rule):
    """JSON's true or false (not 0, 1 or "yes")."""

    def problem(self, value: Any, ctx: Context) -> str | None:
        if not isinstance(value, bool):
            return f"must be true or false, not {shown(value)}"
        return None


@dataclass(frozen=True)
class Day(Rule):
    """A date as the live app accepts one, except 9999-12-31, the last day Python can hold:
    the calendar export's all-day event ends the day after."""

    def problem(self, value: Any, ctx: Context) -> str | None:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) < 20 \
                else None
        except ValueError:
            day = None
        if day is None or day == date.max:
            return f"must be a date such as '2026-07-31', not {shown(value)}"
        return None


@dataclass(frozen=True)
class Moment(Rule):
    """A date and time as the database gives it (ISO 8601)."""

    # Python's fromisoformat stops at a NUL ("...:46\x00" parses), so the shape comes first.
    SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"
                       r"([+-]\d{2}:\d{2}|Z)?", re.ASCII)

    def problem(self, value: Any, ctx: Context) -> str | None:
        try:
            if isinstance(value, str) and self.SHAPE.fullmatch(value):
                datetime.fromisoformat(value)
                return None
        except ValueError:
            pass
        return f"must be a date and time such as '2026-07-31T09:30:00', not {shown(value)}"


@dataclass(frozen=True)
class PlanName(Rule):
    """The plan the workshop follows, which must be in this Appreciate's workshops/ folder."""

    def problem(self, value: Any, ctx: Context) -> str | None:
        if not isinstance(value, str) or value not in ctx.plans:
            return (f"names the plan {shown(value)}, which is not in this Appreciate's "
                    "workshops/ folder; copy that plan file there first")
        ctx.plan = ctx.plans[value]
        return None


@dataclass(frozen=True)
class ActivityKey(Rule):
    """An activity of the workshop's plan."""

    def problem(self, value: Any, ctx: Context) -> str | None:
        if ctx.plan is None or not isinstance(value, str) or ctx.plan.activity(value) is None:
            plan = ctx.plan.name if ctx.plan else "?"
            return f"names {shown(value)}, which is not an activity of the plan {plan}"
        return None


@dataclass(frozen=True)
class Ref(Rule):
    """A row of ``table`` in this file, named by its id (of ``shape``)."""

    table: str
    shape: Rule = Whole(1, LARGEST)

    def problem(self, value: Any, ctx: Context) -> str | None:
        return self.shape.problem(value, ctx)

    def reference(self, value: Any, row: Mapping[str, Any], ctx: Context) -> str | None:
        if value not in ctx.keys.get(self.table, ()):
            return f"points at {shown(value)} in {self.table}, which is not in the file"
        return None


@dataclass(frozen=True)
class RefByKind(Rule):
    """A row of the table the field ``kind`` names (kind -> table)."""

    kind: str
    tables: Mapping[str, str]

    def problem(self, value: Any, ctx: Context) -> str | None:
        return Whole(1, LARGEST).problem(value, ctx)

    def reference(self, value: Any, row: Mapping[str, Any], ctx: Context) -> str | None:
        return Ref(self.tables[row[self.kind]]).reference(value, row, ctx)


@dataclass(frozen=True)
class Spotlight(Rule):
    """'kind:id': one row of the table the kind names, shown large on the projector."""

    tables: Mapping[str, str]

    def _parts(self, value: Any) -> tuple[str, int] | None:
        found = re.fullmatch(r"([a-z]{1,20}):([1-9][0-9]{0,17})", value) \
            if isinstance(value, str) else None
        if found is None or found.group(1) not in self.tables:
            return None
        return found.group(1), int(found.group(2))

    def problem(self, value: Any, ctx: Context) -> str | None:
        if self._parts(value) is None:
            kinds = ", ".join(self.tables)
            return f"must be a kind ({kinds}), a colon and a number, not {shown(value)}"
        return None

    def reference(self, value: Any, row: Mapping[str, Any], ctx: Context) -> str | None:
        kind, number = self._parts(value) or ("", 0)
        return Ref(self.tables[kind]).reference(number, row, ctx)
