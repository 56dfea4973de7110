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
stores, and no more. The rules themselves are in backup_rules.py; reading the JSON (with its
size and nesting caps) in backup_json.py.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, UniqueConstraint

from ..cycle import METHOD_PHASES, PHASES
from ..plans import Plan
from ..services import authorship, seating, stories
from ..services.deliver import KINDS as COMMITMENT_KINDS
from ..services.numbers import LARGEST
from ..services.once import CLIENT_ID as CLIENT_ID_PATTERN
from ..services.pulse import SCALE
from ..services.text import LIMITS
from ..services.votes import MAX_DOTS
from ..store.models import Base
from .backup import FORMAT, NAMED_ROWS, NOT_KEPT, VERSION, BackupError
from .backup_json import parse
from .backup_rules import (
    ActivityKey,
    Choice,
    Context,
    Day,
    Flag,
    Moment,
    PlanName,
    Ref,
    RefByKind,
    Rule,
    Spotlight,
    Text,
    Token,
    Whole,
    kind_of,
    shown,
)

#: Counts, positions and versions: far beyond any workshop, well inside every database.
COUNT = 2**31 - 1

#: A row check: (field, problem) for a rule that spans fields, or None.
RowCheck = Callable[[Mapping[str, Any], Context], tuple[str, str] | None]


@dataclass(frozen=True)
class TableRules:
    """One table: each field's rule, in the order they are checked, and the checks that
    span fields."""

    fields: dict[str, Rule]
    checks: tuple[RowCheck, ...] = ()


def _activity_fits_phase(row: Mapping[str, Any], ctx: Context) -> tuple[str, str] | None:
    """The open activity belongs to the phase the room is in; the lobby and close have none."""
    activity = ctx.plan.activity(row.get("activity_key")) if ctx.plan else None
    phase = row.get("phase")
    if phase in METHOD_PHASES and (activity is None or activity.phase != phase):
        return "activity_key", f"must name an activity of the {phase} phase the workshop is in"
    if phase not in METHOD_PHASES and activity is not None:
        return "activity_key", f"must be null while the workshop is in {phase}"
    return None


def _card_phase_is_its_activitys(row: Mapping[str, Any], ctx: Context) -> tuple[str, str] | None:
    """A card is written in the phase its activity belongs to."""
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
# services.authorship: a row's seal (nonce:mac) and a story's fixed seal (a mac alone).
SEAL = Token(r"[0-9a-f]{24}:[0-9a-f]{32}", "a seal (24 and 32 hexadecimal digits)")
SLOT = Token(r"[0-9a-f]{32}", "a story's seal (32 hexadecimal digits)")
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
        "owner_tag": SEAL.maybe(),
        "hidden": Flag(),
        "table_label": TABLE_LABEL.maybe(),
        "created_at": WHEN,
    }, checks=(_card_phase_is_its_activitys,)),
    "activity_states": TableRules({
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "locked": Flag(),
        "revealed": Flag(),
        "results_shown": Flag(),
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
        "teller_position": PLACE.maybe(),
        "recorder_tag": SLOT.maybe(),
        "teller_tag": SLOT.maybe(),
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
        "owner_tag": SEAL.maybe(),
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
        "owner_tag": SEAL.maybe(),
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
        "owner_tag": SEAL.maybe(),
        "answer_1": Whole(SCALE[0], SCALE[-1]),
        "answer_2": Whole(SCALE[0], SCALE[-1]),
        "answer_3": Whole(SCALE[0], SCALE[-1]),
        "answer_4": Whole(SCALE[0], SCALE[-1]),
        "word": Text(LIMITS["pulse_word"]).maybe(),
        "created_at": WHEN,
    }),
    "participation": TableRules({
        "workshop_id": Ref("workshops"),
        "activity_key": ACTIVITY,
        "participant_id": PARTICIPANT,
        "counting": Choice((authorship.ITEMS, authorship.DOTS)),
        "items": PLACE,
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
    ctx = Context(plans)
    for name, rules in TABLES.items():
        rows = tables.get(name, [])
        if not isinstance(rows, list):
            raise BackupError(f"table {name} must be a list of rows, not {kind_of(rows)}")
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
        raise BackupError(f"the file names {shown(document.twice)} twice")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise BackupError(f"this backup has format version {shown(version)}; this Appreciate "
                          f"reads version {VERSION}")
    unknown = sorted(set(document) - {"format", "version", "schema", "tables"})
    if unknown:
        raise BackupError(f"the file has {shown(unknown[0])} besides its tables, which a "
                          "backup never has")
    revisions = document.get("schema", [])
    revision = Token(r"[0-9A-Za-z_]{1,32}", "a schema revision")
    if not isinstance(revisions, list) or len(revisions) > 100:
        raise BackupError("the file's schema must be a list of schema revisions")
    for place, value in enumerate(revisions, start=1):
        problem = revision.problem(value, Context({}))
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
        raise BackupError(f"the file holds the table {shown(tables.twice)} twice")
    for name in tables:
        if name not in TABLES:
            kept = "a backup never keeps" if name in NOT_KEPT else "this Appreciate does not know"
            raise BackupError(f"the backup has a table {kept}: {shown(name)} (was it made by "
                              "a newer version?)")
    workshops = tables.get("workshops")
    if not isinstance(workshops, list) or len(workshops) != 1:
        count = len(workshops) if isinstance(workshops, list) else 0
        raise BackupError(f"table workshops has {count} rows; a backup holds exactly one "
                          "workshop")
    return tables


def _check_rows(name: str, rules: TableRules, rows: list[Any], ctx: Context) -> None:
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
            raise BackupError(f"{where} must be a mapping of fields to values, not {kind_of(row)}")
        if getattr(row, "twice", None):
            raise BackupError(f"{where} gives the field {shown(row.twice)} twice")
        unknown = [column for column in row if column not in rules.fields]
        if unknown:
            raise BackupError(f"{where} has a field this Appreciate does not know: "
                              f"{shown(unknown[0])}")
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
