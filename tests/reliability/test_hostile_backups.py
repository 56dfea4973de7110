"""Hostile backups: a valid backup of a whole workshop, changed in one place (a wrong type,
text too long or with a control character, a huge number, a reference to nothing, a repeated
key, deep nesting), is refused whole by import with a message naming the table, the row and
the field, and the database is exactly as it was. And whatever text the live app accepts, a
backup may hold.

Where to change is chosen from the models (column types, foreign keys), not from the
backup's own rules, so a rule that is missing or too loose shows here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Boolean, Column, Integer, func, select

from facilitation import runtime_of
from facilitation.export import backup
from facilitation.export.backup import BackupError
from facilitation.export.backup_json import MAX_DEPTH
from facilitation.export.restore import restore
from facilitation.services import Runtime
from facilitation.services.errors import Invalid
from facilitation.services.text import LIMITS, clean
from facilitation.startup import prepared
from facilitation.store.models import Base
from tests.integration.whole_run import ROOMY, run_whole_workshop

KEPT = {table.name: table for table in backup.tables_in_order()}
FORBIDDEN = ["\x00", "\x07", "\x0b", "\r", "\x1b", "\x7f", "\x85", "\x9f", "\u202a", "\u202e",
             "\u2066", "\u2069", "\ud800", "\udbff", "\udc00", "\udfff"]
INVISIBLE = ["", " ", "\u200b", "\u200d\ufeff", "\n\t", "\u2060\u200c"]
RAW = "\u0000raw\u0000"  # a placeholder for JSON that json.dumps cannot write
CHECKS = settings(max_examples=120, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])


@pytest.fixture(scope="module")
def arena(tmp_path_factory) -> tuple[Runtime, dict]:
    """A data directory holding one whole workshop, and that workshop's backup."""
    app = prepared({"DATA_DIR": str(tmp_path_factory.mktemp("hostile-backups")),
                    "TESTING": True, "SOCKETIO_ASYNC_MODE": "threading", **ROOMY})
    rt = runtime_of(app)
    run = run_whole_workshop(rt)
    with rt.store.engine.connect() as connection:
        document = json.loads(backup.export_backup(connection, run.workshop_id))
    assert all(document["tables"][name] for name in KEPT), "every table has rows to change"
    yield rt, document
    rt.store.dispose()


def rows_everywhere(rt: Runtime) -> dict[str, int]:
    """How many rows every table holds, counted by the database."""
    with rt.store.engine.connect() as connection:
        return {name: connection.scalar(select(func.count()).select_from(table))
                for name, table in Base.metadata.tables.items()}


def places(document: dict, fits: Callable[[Column], bool]) -> list[tuple[str, int, str]]:
    """Every (table, row, field) of the backup whose column ``fits``."""
    return [(name, number, column.name) for name, table in KEPT.items()
            for number in range(len(document["tables"][name]))
            for column in table.columns if fits(column)]


def is_text(column: Column) -> bool:
    return not isinstance(column.type, Integer | Boolean)


def is_reference(table: str, column: Column) -> bool:
    return bool(column.foreign_keys) or (table, column.name) in backup.POLYMORPHIC \
        or (table, column.name) in backup.NAMED_ROWS


def encoded(document: dict, raw: str | None = None) -> bytes:
    """The backup as a file; ``raw`` replaces the placeholder with JSON written by hand."""
    text = json.dumps(document)  # \\u escapes keep even a lone surrogate writable
    if raw is not None:
        text = text.replace(json.dumps(RAW), raw)
    return text.encode("utf-8")


def refused(rt: Runtime, content: bytes, table: str | None, number: int | None,
            field: str | None, ledger: Any) -> str:
    """Import must refuse ``content`` naming the place, and write nothing."""
    before = rows_everywhere(rt)
    with pytest.raises(BackupError) as caught:
        restore(rt, content)
    message = str(caught.value)
    if table is not None:
        assert f"table {table}" in message, message
    if number is not None:
        assert f"row {number + 1}" in message, message
    if field is not None:
        assert field in message, message
    assert "\n" not in message and len(message) < 400, message
    assert rows_everywhere(rt) == before
    ledger.bad_inputs["backup files"] += 1
    return message


def other_kind(column: Column) -> st.SearchStrategy:
    """A JSON value of a type the column never holds."""
    lists = st.lists(st.integers(), max_size=3)
    maps = st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
    floats = st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(column.type, Boolean):
        return st.one_of(st.integers(), st.text(max_size=5), floats, lists, maps)
    if isinstance(column.type, Integer):
        return st.one_of(st.booleans(), st.text(max_size=5), floats, lists, maps)
    return st.one_of(st.booleans(), st.integers(), floats, lists, maps)


@CHECKS
@given(data=st.data())
def test_a_value_of_the_wrong_type_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table, number, field = data.draw(st.sampled_from(places(document, lambda c: True)))
    column = KEPT[table].c[field]
    wrong = other_kind(column) if column.nullable else st.one_of(st.none(), other_kind(column))
    changed = copy.deepcopy(document)
    changed["tables"][table][number][field] = data.draw(wrong)
    refused(rt, encoded(changed), table, number, field, ledger)


@CHECKS
@given(data=st.data())
def test_text_too_long_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table, number, field = data.draw(st.sampled_from(places(document, is_text)))
    column = KEPT[table].c[field]
    longest = getattr(column.type, "length", None) or max(LIMITS.values())
    length = data.draw(st.sampled_from([longest + 1, longest + 1000, 1024 * 1024]))
    changed = copy.deepcopy(document)
    changed["tables"][table][number][field] = data.draw(st.sampled_from(["x", "ŵ", "🌟"])) * length
    refused(rt, encoded(changed), table, number, field, ledger)


@CHECKS
@given(data=st.data())
def test_a_control_character_or_invisible_text_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table, number, field = data.draw(st.sampled_from(places(document, is_text)))
    value = document["tables"][table][number][field] or "Diolch"
    at = data.draw(st.integers(0, len(value)))
    bad = st.one_of(st.sampled_from(FORBIDDEN).map(lambda ch: value[:at] + ch + value[at:]),
                    st.sampled_from(INVISIBLE))
    changed = copy.deepcopy(document)
    changed["tables"][table][number][field] = data.draw(bad)
    refused(rt, encoded(changed), table, number, field, ledger)


@CHECKS
@given(data=st.data())
def test_a_number_out_of_any_range_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table, number, field = data.draw(st.sampled_from(places(
        document, lambda c: isinstance(c.type, Integer))))
    huge = st.one_of(st.integers(min_value=2**63), st.integers(max_value=-(2**63) - 1),
                     st.sampled_from([2**80, -(2**80), 10**30]).map(str),
                     st.integers(4301, 20_000).map(lambda digits: "7" * digits),
                     st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400"]))
    value = data.draw(huge)
    changed = copy.deepcopy(document)
    changed["tables"][table][number][field] = RAW
    refused(rt, encoded(changed, str(value)), table, number, field, ledger)


@CHECKS
@given(data=st.data())
def test_a_reference_to_nothing_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table, number, field = data.draw(st.sampled_from([
        (t, n, f) for t, n, f in places(document, lambda c: True)
        if is_reference(t, KEPT[t].c[f])]))
    changed = copy.deepcopy(document)
    row = changed["tables"][table][number]
    value = row[field]
    if isinstance(value, int):
        row[field] = value + data.draw(st.integers(1000, 2**62))
    elif field == "spotlight":
        row[field] = f"contribution:{data.draw(st.integers(1000, 10**17))}"
    else:  # a participant who is not in the file
        row[field] = data.draw(st.from_regex(r"[0-9a-f]{32}", fullmatch=True)
                               .filter(lambda pid: pid not in json.dumps(document)))
    refused(rt, encoded(changed), table, number, field, ledger)


@CHECKS
@given(data=st.data())
def test_a_repeated_key_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table = data.draw(st.sampled_from(list(KEPT)))
    rows = document["tables"][table]
    changed = copy.deepcopy(document)
    copied = data.draw(st.integers(0, len(rows) - 1))
    keys = [column.name for column in KEPT[table].primary_key.columns]
    if len(rows) > 1 and len(keys) == 1 and data.draw(st.booleans()):
        other = data.draw(st.integers(0, len(rows) - 1).filter(lambda n: n != copied))
        changed["tables"][table][other][keys[0]] = rows[copied][keys[0]]
        message = refused(rt, encoded(changed), table, max(other, copied), keys[0], ledger)
    else:
        changed["tables"][table].append(copy.deepcopy(rows[copied]))
        message = refused(rt, encoded(changed), table, None, None, ledger)
        assert ("the same as row" in message and f"row {len(rows) + 1}" in message) \
            or "a backup holds exactly one workshop" in message


@CHECKS
@given(data=st.data())
def test_deep_nesting_is_refused(arena, ledger, data) -> None:
    rt, document = arena
    table, number, field = data.draw(st.sampled_from(places(document, lambda c: True)))
    depth = data.draw(st.one_of(st.integers(1, MAX_DEPTH - 4), st.integers(MAX_DEPTH - 3,
                                                                           300_000)))
    opening, closing = data.draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    raw = opening * depth + ("[]" if opening == "[" else "1") + closing * depth
    changed = copy.deepcopy(document)
    changed["tables"][table][number][field] = RAW
    levels = depth + (1 if opening == "[" else 0)  # the innermost "[]" is a level too
    if levels + 4 <= MAX_DEPTH:  # deep, but the parser copes: the field is named
        refused(rt, encoded(changed, raw), table, number, field, ledger)
    else:  # refused before parsing, by where it is in the file
        message = refused(rt, encoded(changed, raw), None, None, None, ledger)
        assert f"nested more than {MAX_DEPTH} levels deep at line" in message


@pytest.fixture(scope="module")
def accepting(tmp_path_factory) -> Runtime:
    app = prepared({"DATA_DIR": str(tmp_path_factory.mktemp("accepting")), "TESTING": True,
                    "SOCKETIO_ASYNC_MODE": "threading"})
    yield runtime_of(app)
    runtime_of(app).store.dispose()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(min_size=1, max_size=300), multiline=st.booleans())
def test_whatever_the_live_app_accepts_a_backup_may_hold(arena, accepting, typed,
                                                         multiline) -> None:
    """Text cleaned by the live rules, in a card or a name, imports as it was."""
    _rt, document = arena
    field, table, column = (("contribution", "contributions", "body") if multiline
                            else ("display_name", "participants", "display_name"))
    try:
        text = clean(typed, field, "Text", multiline=multiline)
    except Invalid:
        return
    changed = copy.deepcopy(document)
    changed["tables"][table][0][column] = text
    restored, _key = restore(accepting, encoded(changed))
    with accepting.store.engine.connect() as connection:
        table_ = Base.metadata.tables[table]
        stored = connection.scalars(select(table_.c[column]).where(
            backup._owner_clause(table_, restored.workshop_id))).all()
    assert text in stored


def test_values_out_of_a_fields_own_range_or_choices_are_refused(arena, ledger) -> None:
    """Rules a random change rarely meets: the ranges and choices of single fields."""
    rt, document = arena
    cases: list[tuple[str, str, Any, str]] = [
        ("workshops", "phase", "hacked", "must be one of 'lobby'"),
        ("workshops", "activity_key", "team-dream", "must be null while the workshop is in closed"),
        ("workshops", "spotlight", "theme:1", "must be a kind"),
        ("workshops", "seating", "floor", "must be one of 'tables', 'room'"),
        ("workshops", "code", "abc", "must be a join code"),
        ("contributions", "activity_key", "no-such-activity", "not an activity of the plan"),
        ("contributions", "phase", "lobby", "must be one of 'define'"),
        ("contributions", "phase", "dream", "the phase of its activity"),
        ("stories", "sharing", "everyone", "must be one of 'pair', 'room', 'report'"),
        ("stories", "quote_consent", "yes", "must be one of 'none'"),
        ("pulse_responses", "answer_1", 6, "must be from 1 to 5"),
        ("activity_states", "dots", 11, "must be from 1 to 10"),
        ("participants", "connections", -1, "must be from 0"),
        ("commitments", "due_date", "9999-12-31", "must be a date"),
        ("commitments", "kind", "someday", "must be one of 'personal', 'team'"),
        ("themes", "origin", "magic", "must be one of 'facilitator', 'suggested'"),
        ("suggestion_decisions", "decision", "maybe", "must be one of 'accepted'"),
    ]
    for table, field, value, problem in cases:
        changed = copy.deepcopy(document)
        changed["tables"][table][0][field] = value
        message = refused(rt, encoded(changed), table, 0, field, ledger)
        assert problem in message, message
