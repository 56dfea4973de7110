"""The backup's declarations agree with the models: every column of every kept table has its
line, null is allowed exactly where the column allows it, no text may be longer than its
column, and every reference points where the foreign key (or the backup's own map) does.
A column added or renamed without its line fails here, naming it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text

from facilitation.export import backup
from facilitation.export.backup import BackupError
from facilitation.export.backup_json import MAX_DEPTH, parse
from facilitation.export.backup_rules import (
    Choice,
    Day,
    Flag,
    Moment,
    Ref,
    RefByKind,
    Spotlight,
    Token,
    Whole,
)
from facilitation.export.backup_rules import Text as TextRule
from facilitation.export.backup_schema import TABLES
from facilitation.store.models import Base

KEPT = {table.name: table for table in backup.tables_in_order()}
COLUMNS = [(table.name, column) for table in KEPT.values() for column in table.columns]


def test_every_kept_table_and_no_other_has_a_declaration() -> None:
    assert set(TABLES) == set(KEPT)
    assert next(iter(TABLES)) == "workshops"  # first: its plan is what activity keys name


@pytest.mark.parametrize(("table", "column"), COLUMNS,
                         ids=[f"{t}.{c.name}" for t, c in COLUMNS])
def test_every_column_has_a_rule_that_fits_it(table: str, column) -> None:
    rule = TABLES[table].fields.get(column.name)
    assert rule is not None, f"{table}.{column.name} has no line in backup_schema.TABLES"
    assert rule.optional == column.nullable, f"{table}.{column.name}: null allowed?"
    foreign = next(iter(column.foreign_keys), None)
    if foreign is not None:
        assert isinstance(rule, Ref) and rule.table == foreign.column.table.name
    elif (table, column.name) in backup.POLYMORPHIC:
        kind, targets = backup.POLYMORPHIC[(table, column.name)]
        assert isinstance(rule, RefByKind) and (rule.kind, dict(rule.tables)) == (kind, targets)
        assert set(TABLES[table].fields[kind].values) == set(targets)
    elif (table, column.name) in backup.NAMED_ROWS:
        assert isinstance(rule, Spotlight)
        assert dict(rule.tables) == backup.NAMED_ROWS[(table, column.name)]
    else:
        assert not isinstance(rule, Ref | RefByKind), f"{table}.{column.name} is no reference"
    kinds = {Integer: (Whole, Ref, RefByKind), Boolean: (Flag,), Date: (Day,),
             DateTime: (Moment,)}
    expected = next((rules for kind, rules in kinds.items() if isinstance(column.type, kind)),
                    None)
    if expected is not None:
        assert isinstance(rule, expected), f"{table}.{column.name} is {column.type}"
    else:
        assert isinstance(column.type, String | Text)
    if isinstance(rule, TextRule) and getattr(column.type, "length", None):
        assert rule.limit <= column.type.length, f"{table}.{column.name} fits its column"
    if isinstance(rule, Choice) and getattr(column.type, "length", None):
        assert max(map(len, rule.values)) <= column.type.length


def test_no_declaration_names_a_column_that_is_not_there() -> None:
    for name, rules in TABLES.items():
        assert set(rules.fields) <= set(Base.metadata.tables[name].columns.keys()), name


def test_tokens_are_whole_patterns() -> None:
    """A pattern is matched in full, so an anchor in one would be a mistake."""
    for rules in TABLES.values():
        for rule in rules.fields.values():
            shape = rule.shape if isinstance(rule, Ref) else rule
            if isinstance(shape, Token):
                assert not shape.pattern.startswith("^") and not shape.pattern.endswith("$")


@pytest.mark.parametrize(("content", "message"), [
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested more than 100 levels deep at line 1"),
    (b'{"a": "[[[[", "b": ' + b"[" * 50 + b"]" * 50 + b"}", None),  # brackets in text count not
    (b"1" * 5000, None),
    (b"\xef\xbb\xbf{}", "Unexpected UTF-8 BOM"),
    (b'{"format": \xff}', "byte 11 is not UTF-8"),
    (b'{"a": 1,', "not a JSON backup file"),
])
def test_parse_refuses_what_json_or_python_would_choke_on(content: bytes,
                                                          message: str | None) -> None:
    if message is None:
        parse(content)
    else:
        with pytest.raises(BackupError, match=message):
            parse(content)


def test_parse_keeps_oddities_as_values_the_rules_can_name() -> None:
    document = parse(b'{"n": ' + b"9" * 5000 + b', "x": NaN, "y": -Infinity, "k": 1, "k": 2}')
    assert str(document["n"]) == "a number of 5,000 digits"
    assert str(document["x"]) == "NaN" and str(document["y"]) == "-Infinity"
    assert document.twice == "k"
    assert parse(json.dumps({"n": 2**63 - 1}).encode())["n"] == 2**63 - 1
