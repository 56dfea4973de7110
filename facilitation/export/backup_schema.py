"""What a workshop backup may hold, table by table: import checks all of it before writing.

``TABLES`` has one declaration per table, one line per field, each naming its rule: the type,
the size the live app allows (services.text.LIMITS, or the column's own size), the characters
typed text may hold (facilitation.characters), the values a choice may take, a number's
range, and where a reference points. Adding or renaming a column is a one-line change here;
tests/unit/test_backup_schema.py fails until every column of every table a backup keeps has
its line. Which keys must be unique (primary keys, unique constraints) is read from the
models, so it needs no line.

``read`` refuses a file whole at its first problem, with one sentence that names the table,
the row, the field and what is wrong, before anything is written. A backup that
``export_backup`` wrote of a real workshop always passes: every rule allows what the live app
stores, and no more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, UniqueConstraint

from .. import characters
from ..cycle import METHOD_PHASES, PHASES
from ..plans import Plan
from ..services import seating, stories
from ..services.deliver import KINDS as COMMITMENT_KINDS
from ..services.numbers import LARGEST
from ..services.once import CLIENT_ID as CLIENT_ID_PATTERN
from ..services.pulse import SCALE
from ..services.text import LIMITS
from ..services.votes import MAX_DOTS
from ..store.models import Base
from .backup import FORMAT, NAMED_ROWS, NOT_KEPT, VERSION, BackupError

#: Far beyond any workshop's backup (one of 60 people and 1,000 cards is about 0.7 MB),
#: and small enough to read into memory.
MAX_BYTES = 64 * 1024 * 1024
#: A backup is four levels deep; much deeper is not one, and would exhaust the parser's stack.
MAX_DEPTH = 100
#: Counts, positions and versions: far beyond any workshop, well inside every database.
COUNT = 2**31 - 1
#: The longest a whole number in a backup is ever written (a 64-bit integer has 19 digits).
_MOST_DIGITS = 20


# -- reading the JSON: every oddity kept as a value, so the rules can name where it is --

class _Huge:
    """A number too long to be any database's (read as this, never converted)."""

    def __init__(self, written: str) -> None:
        self.digits = len(written.lstrip("-"))
        self.written = written if self.digits <= 40 else ""

    def __str__(self) -> str:
        return f"{int(self.written):,}" if self.written else f"a number of {self.digits:,} digits"


class _NotANumber:
    """JSON has no NaN or Infinity; Python's reader accepts them, a backup never holds one."""

    def __init__(self, written: str) -> None:
        self.written = written

    def __str__(self) -> str:
        return self.written


class _Object(dict):
    """A JSON object; ``twice`` is the first name it gave twice (JSON keeps only the last)."""

    twice: str | None = None


def _whole(written: str) -> int | _Huge:
    return _Huge(written) if len(written) > _MOST_DIGITS else int(written)


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    made = _Object(pairs)
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
        return json.loads(text, parse_int=_whole, parse_constant=_NotANumber,
                          object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise BackupError(f"this is not a JSON backup file ({exc.msg} at line {exc.lineno:,}, "
                          f"column {exc.colno:,})") from None


# -- describing values in messages --

def _shown(value: Any) -> str:
    """``value`` as a message shows it: quoted, invisible characters escaped, kept short."""
    if isinstance(value, _Huge | _NotANumber):
        return str(value)
    if isinstance(value, list | dict):
        return _kind(value)
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:36]}…{text[-1]}"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | _Huge):
        return "a whole number"
    if isinstance(value, float | _NotANumber):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "a mapping"


# -- the rules a field may have --

@dataclass
class _Context:
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

    def problem(self, value: Any, ctx: _Context) -> str | None:
        raise NotImplementedError

    def reference(self, value: Any, row: Mapping[str, Any], ctx: _Context) -> str | None:
        """For a field that points at a row: what is wrong with where it points."""
        return None


@dataclass(frozen=True)
class Text(Rule):
    """Text people typed (or a plan supplied): the live app's limit and character rules."""

    limit: int

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {_kind(value)}"
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

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if not isinstance(value, str) or not self._compiled.fullmatch(value):
            return f"must be {self.meaning}, not {_shown(value)}"
        return None


@dataclass(frozen=True)
class Choice(Rule):
    values: tuple[str, ...]

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if not isinstance(value, str) or value not in self.values:
            choices = ", ".join(repr(v) for v in self.values)
            return f"must be one of {choices}, not {_shown(value)}"
        return None


@dataclass(frozen=True)
class Whole(Rule):
    low: int
    high: int

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if isinstance(value, _Huge):
            return f"is {value}; it must be from {self.low:,} to {self.high:,}"
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {_kind(value)}"
        if not self.low <= value <= self.high:
            return f"is {value:,}; it must be from {self.low:,} to {self.high:,}"
        return None


@dataclass(frozen=True)
class Flag(Rule):
    def problem(self, value: Any, ctx: _Context) -> str | None:
        if not isinstance(value, bool):
            return f"must be true or false, not {_shown(value)}"
        return None


@dataclass(frozen=True)
class Day(Rule):
    """A date as the live app accepts one; the year's last day is left out because an
    all-day calendar event ends the day after."""

    def problem(self, value: Any, ctx: _Context) -> str | None:
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) < 20 \
                else None
        except ValueError:
            day = None
        if day is None or day == date.max:
            return f"must be a date such as '2026-07-31', not {_shown(value)}"
        return None


@dataclass(frozen=True)
class Moment(Rule):
    """A date and time as the database gives it (ISO 8601)."""

    def problem(self, value: Any, ctx: _Context) -> str | None:
        try:
            if isinstance(value, str) and len(value) < 40:
                datetime.fromisoformat(value)
                return None
        except ValueError:
            pass
        return f"must be a date and time such as '2026-07-31T09:30:00', not {_shown(value)}"


@dataclass(frozen=True)
class PlanName(Rule):
    """The plan the workshop follows, which must be in this Appreciate's workshops/ folder."""

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if not isinstance(value, str) or value not in ctx.plans:
            return (f"names the plan {_shown(value)}, which is not in this Appreciate's "
                    "workshops/ folder; copy that plan file there first")
        ctx.plan = ctx.plans[value]
        return None


@dataclass(frozen=True)
class ActivityKey(Rule):
    """An activity of the workshop's plan."""

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if ctx.plan is None or not isinstance(value, str) or ctx.plan.activity(value) is None:
            plan = ctx.plan.name if ctx.plan else "?"
            return f"names {_shown(value)}, which is not an activity of the plan {plan}"
        return None


@dataclass(frozen=True)
class Ref(Rule):
    """A row of ``table`` in this file, named by its id (of ``shape``)."""

    table: str
    shape: Rule = Whole(1, LARGEST)

    def problem(self, value: Any, ctx: _Context) -> str | None:
        return self.shape.problem(value, ctx)

    def reference(self, value: Any, row: Mapping[str, Any], ctx: _Context) -> str | None:
        if value not in ctx.keys.get(self.table, ()):
            return f"points at {_shown(value)} in {self.table}, which is not in the file"
        return None


@dataclass(frozen=True)
class RefByKind(Rule):
    """A row of the table the field ``kind`` names (kind -> table)."""

    kind: str
    tables: Mapping[str, str]

    def problem(self, value: Any, ctx: _Context) -> str | None:
        return Whole(1, LARGEST).problem(value, ctx)

    def reference(self, value: Any, row: Mapping[str, Any], ctx: _Context) -> str | None:
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

    def problem(self, value: Any, ctx: _Context) -> str | None:
        if self._parts(value) is None:
            kinds = ", ".join(self.tables)
            return f"must be a kind ({kinds}), a colon and a number, not {_shown(value)}"
        return None

    def reference(self, value: Any, row: Mapping[str, Any], ctx: _Context) -> str | None:
        kind, number = self._parts(value) or ("", 0)
        return Ref(self.tables[kind]).reference(number, row, ctx)


#: A row check: (field, problem) for a rule that spans fields, or None.
RowCheck = Callable[[Mapping[str, Any], _Context], tuple[str, str] | None]


@dataclass(frozen=True)
class TableRules:
    fields: dict[str, Rule]
    checks: tuple[RowCheck, ...] = ()


def _activity_fits_phase(row: Mapping[str, Any], ctx: _Context) -> tuple[str, str] | None:
    """The open activity belongs to the phase the room is in; the lobby and close have none."""
    activity = ctx.plan.activity(row.get("activity_key")) if ctx.plan else None
    phase = row.get("phase")
    if phase in METHOD_PHASES and (activity is None or activity.phase != phase):
        return "activity_key", f"must name an activity of the {phase} phase the workshop is in"
    if phase not in METHOD_PHASES and activity is not None:
        return "activity_key", f"must be null while the workshop is in {phase}"
    return None


def _card_phase_is_its_activitys(row: Mapping[str, Any], ctx: _Context) -> tuple[str, str] | None:
    activity = ctx.plan.activity(row.get("activity_key")) if ctx.plan else None
    if activity is not None and row.get("phase") != activity.phase:
        return "phase", f"must be {activity.phase!r}, the phase of its activity"
    return None


# -- the declarations: one per table, one line per field --

ID = Whole(1, LARGEST)
COUNTER = Whole(1, COUNT)
PLACE = Whole(0, COUNT)
PARTICIPANT_ID = Token(r"[0-9a-f]{32}", "a participant id (32 hexadecimal digits)")
PARTICIPANT = Ref("participants", shape=PARTICIPANT_ID)
CLIENT_ID = Token(CLIENT_ID_PATTERN.pattern.strip("^$"), "a form's id (8 to 64 letters, "
                  "digits, '-' or '_')")
TABLE_LABEL = Token(r"[1-9][0-9]{0,8}", "a table's number")
ACTIVITY = ActivityKey()
WHEN = Moment()
CARD_KINDS = {"contribution": "contributions", "story": "stories"}
ITEM_KINDS = {**CARD_KINDS, "proposition": "propositions"}
VOTE_KINDS = {"contribution": "contributions", "proposition": "propositions"}

TABLES: dict[str, TableRules] = {
    "workshops": TableRules({
        "id": ID,
        "code": Token(r"[A-Z0-9]{4,12}", "a join code of 4 to 12 capital letters and digits"),
        "plan_name": PlanName(),
        "title": Text(LIMITS["title"]),
        "topic_title": Text(LIMITS["topic_title"]),
        "topic_question": Text(LIMITS["topic_question"]),
        "organisation": Text(LIMITS["organisation"]).maybe(),
        "facilitator_name": Text(LIMITS["facilitator_name"]).maybe(),
        "facilitator_key_hash": Token(r"[0-9a-f]{64}", "a key's hash (64 hexadecimal digits)"),
        "phase": Choice(tuple(phase.key for phase in PHASES)),
        "activity_key": ACTIVITY.maybe(),
        "version": COUNTER,
        "next_review_date": Day().maybe(),
        "spotlight": Spotlight(NAMED_ROWS[("workshops", "spotlight")]).maybe(),
        "seating": Choice(tuple(v for v in seating.CHOICES.values() if v)).maybe(),
        "created_at": WHEN,
    }, checks=(_activity_fits_phase,)),
    "participants": TableRules({
        "id": PARTICIPANT_ID,
        "workshop_id": Ref("workshops"),
        "display_name": Text(LIMITS["display_name"]).maybe(),
        "table_label": TABLE_LABEL.maybe(),
        "joined_at": WHEN,
        "connections": PLACE,
    }),
    "contributions": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "participant_id": PARTICIPANT.maybe(),
        "phase": Choice(METHOD_PHASES),
        "activity_key": ACTIVITY,
        # cards and dreams share the column: the larger of their two limits
        "body": Text(max(LIMITS["contribution"], LIMITS["dream"])),
        "author_name": Text(LIMITS["display_name"]).maybe(),
        "client_id": CLIENT_ID,
        "hidden": Flag(),
        "table_label": TABLE_LABEL.maybe(),
        "created_at": WHEN,
    }, checks=(_card_phase_is_its_activitys,)),
    "activity_states": TableRules({
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "locked": Flag(),
        "revealed": Flag(),
        "dots": Whole(1, MAX_DOTS).maybe(),
        "timer_seconds": Whole(0, COUNT).maybe(),
        # time added after the timer ran out counts from then, so this can fall below zero
        "timer_started_at": WHEN.maybe(),
        "timer_elapsed": Whole(-COUNT, COUNT),
    }),
    "pair_groups": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "round": COUNTER,
        "number": COUNTER,
        "table_label": Token(r"Table [1-9][0-9]{0,8}", "'Table' and a number").maybe(),
        "join_code": Token(r"[0-9]{4}", "a pair code of four digits").maybe(),
        "turn": PLACE,
        "created_at": WHEN,
    }),
    "pair_members": TableRules({
        "group_id": Ref("pair_groups"),
        "participant_id": PARTICIPANT,
        "position": PLACE,
    }),
    "stories": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "group_id": Ref("pair_groups").maybe(),
        "recorder_id": PARTICIPANT.maybe(),
        "teller_id": PARTICIPANT.maybe(),
        "headline": Text(LIMITS["headline"]),
        "notes": Text(LIMITS["story_notes"]).maybe(),
        "enablers": Text(LIMITS["story_field"]).maybe(),
        "values": Text(LIMITS["story_field"]).maybe(),
        "wishes": Text(LIMITS["story_field"]).maybe(),
        "quote": Text(LIMITS["quote"]).maybe(),
        "quote_consent": Choice(("none", "pending", "given", "declined")),
        "sharing": Choice(tuple(stories.SHARING)),
        "hidden": Flag(),
        "client_id": CLIENT_ID.maybe(),
        "created_at": WHEN,
        "updated_at": WHEN,
    }),
    "themes": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "name": Text(LIMITS["theme_name"]),
        "description": Text(LIMITS["story_field"]).maybe(),  # no form sets it
        "position": PLACE,
        "origin": Choice(("facilitator", "suggested")),
        "created_at": WHEN,
    }),
    "theme_links": TableRules({
        "theme_id": Ref("themes"),
        "item_type": Choice(tuple(CARD_KINDS)),
        "item_id": RefByKind("item_type", CARD_KINDS),
    }),
    "suggestion_decisions": TableRules({
        "workshop_id": Ref("workshops"),
        "signature": Token(r"[0-9a-f]{1,64}", "a suggestion's signature (hexadecimal digits)"),
        "decision": Choice(("accepted", "rejected")),
    }),
    "item_themes": TableRules({
        "item_type": Choice(tuple(ITEM_KINDS)),
        "item_id": RefByKind("item_type", ITEM_KINDS),
        "theme_id": Ref("themes"),
    }),
    "votes": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "participant_id": PARTICIPANT,
        "target_type": Choice(tuple(VOTE_KINDS)),
        "target_id": RefByKind("target_type", VOTE_KINDS),
        "created_at": WHEN,
    }),
    "design_areas": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "name": Text(LIMITS["area_name"]),
        "position": PLACE,
    }),
    "propositions": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "design_area_id": Ref("design_areas").maybe(),
        "theme_id": Ref("themes").maybe(),
        "story_id": Ref("stories").maybe(),
        "text": Text(LIMITS["proposition"]),
        "version": COUNTER,
        "participant_id": PARTICIPANT.maybe(),
        "hidden": Flag(),
        "client_id": CLIENT_ID.maybe(),
        "created_at": WHEN,
        "updated_at": WHEN,
    }),
    "proposition_revisions": TableRules({
        "id": ID,
        "proposition_id": Ref("propositions"),
        "version": COUNTER,
        "text": Text(LIMITS["proposition"]),
        "created_at": WHEN,
    }),
    "commitments": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "kind": Choice(tuple(COMMITMENT_KINDS)),
        "what": Text(LIMITS["commitment"]),
        "owner_name": Text(LIMITS["owner_name"]).maybe(),
        "helpers": Text(LIMITS["helpers"]).maybe(),
        "due_date": Day(),
        "first_step": Text(LIMITS["commitment"]),
        "first_step_due": Day(),
        "support_needed": Text(LIMITS["commitment"]).maybe(),
        "how_we_know": Text(LIMITS["commitment"]).maybe(),
        "proposition_id": Ref("propositions").maybe(),
        "participant_id": PARTICIPANT.maybe(),
        "hidden": Flag(),
        "client_id": CLIENT_ID.maybe(),
        "created_at": WHEN,
    }),
    "action_teams": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "name": Text(LIMITS["team_name"]),
        "purpose": Text(LIMITS["commitment"]).maybe(),
        "proposition_id": Ref("propositions").maybe(),
        "created_at": WHEN,
    }),
    "action_team_members": TableRules({
        "team_id": Ref("action_teams"),
        "participant_id": PARTICIPANT,
        "display_name": Text(LIMITS["display_name"]).maybe(),
    }),
    "pulse_responses": TableRules({
        "id": ID,
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "participant_id": PARTICIPANT.maybe(),
        "answer_1": Whole(SCALE[0], SCALE[-1]),
        "answer_2": Whole(SCALE[0], SCALE[-1]),
        "answer_3": Whole(SCALE[0], SCALE[-1]),
        "answer_4": Whole(SCALE[0], SCALE[-1]),
        "word": Text(LIMITS["pulse_word"]).maybe(),
        "created_at": WHEN,
    }),
}


# -- the check itself --

def read(content: bytes, plans: Mapping[str, Plan], known_revisions: Collection[str]
         ) -> dict[str, Any]:
    """The backup in ``content``, checked from top to bottom; BackupError at its first
    problem (nothing has been written by then)."""
    document = parse(content)
    check(document, plans, known_revisions)
    return document


def check(document: Any, plans: Mapping[str, Plan], known_revisions: Collection[str]) -> None:
    """Every table, row and field of an already parsed backup, against ``TABLES``."""
    tables = _header(document, known_revisions)
    ctx = _Context(plans)
    for name, rules in TABLES.items():
        rows = tables.get(name, [])
        if not isinstance(rows, list):
            raise BackupError(f"table {name} must be a list of rows, not {_kind(rows)}")
        _check_rows(name, rules, rows, ctx)
    for name, rules in TABLES.items():
        pointers = [(column, rule) for column, rule in rules.fields.items()
                    if type(rule).reference is not Rule.reference]
        for number, row in enumerate(tables.get(name, []) if pointers else (), start=1):
            for column, rule in pointers:
                if row.get(column) is not None:
                    problem = rule.reference(row[column], row, ctx)
                    if problem:
                        raise BackupError(f"table {name}, row {number}, field {column} "
                                          f"{problem}")


def _header(document: Any, known_revisions: Collection[str]) -> Mapping[str, Any]:
    """The file's outer shape; returns its tables."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("this JSON file is not an Appreciate workshop backup")
    if getattr(document, "twice", None):
        raise BackupError(f"the file names {_shown(document.twice)} twice")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise BackupError(f"this backup has format version {_shown(version)}; this Appreciate "
                          f"reads version {VERSION}")
    unknown = sorted(set(document) - {"format", "version", "schema", "tables"})
    if unknown:
        raise BackupError(f"the file has {_shown(unknown[0])} besides its tables, which a "
                          "backup never has")
    revisions = document.get("schema", [])
    revision = Token(r"[0-9A-Za-z_]{1,32}", "a schema revision")
    if not isinstance(revisions, list) or len(revisions) > 100:
        raise BackupError("the file's schema must be a list of schema revisions")
    for place, value in enumerate(revisions, start=1):
        problem = revision.problem(value, _Context({}))
        if problem:
            raise BackupError(f"the file's schema, item {place}, {problem}")
    newer = [rev for rev in revisions if rev not in known_revisions]
    if newer:
        raise BackupError(f"this backup was made by a newer version of Appreciate (schema "
                          f"{', '.join(newer)}); update Appreciate first")
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise BackupError("the file has no tables")
    if getattr(tables, "twice", None):
        raise BackupError(f"the file holds the table {_shown(tables.twice)} twice")
    for name in tables:
        if name not in TABLES:
            kept = "a backup never keeps" if name in NOT_KEPT else "this Appreciate does not know"
            raise BackupError(f"the backup has a table {kept}: {_shown(name)} (was it made by "
                              "a newer version?)")
    workshops = tables.get("workshops")
    if not isinstance(workshops, list) or len(workshops) != 1:
        count = len(workshops) if isinstance(workshops, list) else 0
        raise BackupError(f"table workshops has {count} rows; a backup holds exactly one "
                          "workshop")
    return tables


def _check_rows(name: str, rules: TableRules, rows: list[Any], ctx: _Context) -> None:
    table = Base.metadata.tables[name]
    fillable = {column.name for column in table.columns if not column.primary_key and (
        column.nullable or column.default is not None or column.server_default is not None)}
    unique = _unique_keys(table)
    seen: list[dict[tuple[Any, ...], int]] = [{} for _key in unique]
    keys = ctx.keys.setdefault(name, set())
    key_column = next(iter(table.primary_key.columns)).name \
        if len(table.primary_key.columns) == 1 else None
    for number, row in enumerate(rows, start=1):
        where = f"table {name}, row {number}"
        if not isinstance(row, dict):
            raise BackupError(f"{where} must be a mapping of fields to values, not {_kind(row)}")
        if getattr(row, "twice", None):
            raise BackupError(f"{where} gives the field {_shown(row.twice)} twice")
        unknown = [column for column in row if column not in rules.fields]
        if unknown:
            raise BackupError(f"{where} has a field this Appreciate does not know: "
                              f"{_shown(unknown[0])}")
        for column, rule in rules.fields.items():
            if column not in row:
                if column in fillable:
                    continue
                raise BackupError(f"{where}, field {column} is missing")
            value = row[column]
            problem = ("must have a value, not null" if not rule.optional else None) \
                if value is None else rule.problem(value, ctx)
            if problem:
                raise BackupError(f"{where}, field {column} {problem}")
        for row_check in rules.checks:
            found = row_check(row, ctx)
            if found:
                raise BackupError(f"{where}, field {found[0]} {found[1]}")
        for columns, earlier in zip(unique, seen, strict=True):
            values = tuple(row.get(column) for column in columns)
            if None in values:
                continue
            if values in earlier:
                names = " and ".join(columns)
                raise BackupError(f"{where}, field{'s' if len(columns) > 1 else ''} {names} "
                                  f"{'are' if len(columns) > 1 else 'is'} the same as row "
                                  f"{earlier[values]}'s, and no two rows may share "
                                  f"{'them' if len(columns) > 1 else 'it'}")
            earlier[values] = number
        if key_column:
            keys.add(row[key_column])


def _unique_keys(table: Table) -> list[tuple[str, ...]]:
    """The sets of columns no two rows may share, as the models declare them."""
    keys = [tuple(column.name for column in table.primary_key.columns)]
    keys += [tuple(column.name for column in constraint.columns)
             for constraint in table.constraints if isinstance(constraint, UniqueConstraint)]
    keys += [tuple(column.name for column in index.columns)
             for index in table.indexes if index.unique]
    keys += [(column.name,) for column in table.columns if column.unique]
    return list(dict.fromkeys(keys))
