"""The registry of activity kinds holds together: every part a kind declares has its
template, every field it claims is a field of an activity, and the plan validator, the read
model and the page all find a kind through the registry alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from facilitation import kinds
from facilitation.plans import Activity
from facilitation.services import parts
from facilitation.services import views as _fills_the_registers  # noqa: F401

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda kind: kind.name)
def test_every_part_a_kind_declares_has_its_template(kind: kinds.Kind) -> None:
    assert kind.parts <= set(kinds.PARTS)
    assert "room" in kind.parts, "every kind shows the room something"
    for part in kind.parts:
        assert (TEMPLATES / kind.template(part)).is_file(), kind.template(part)
    for part in set(kinds.PARTS) - kind.parts:
        assert kind.template(part) is None


@pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda kind: kind.name)
def test_what_a_kind_declares_is_consistent(kind: kinds.Kind) -> None:
    fields = {field.name for field in dataclasses.fields(Activity)}
    assert kind.plan_fields <= fields
    assert kind.required_fields <= kind.plan_fields
    assert (kind.vote_target is None) or kind.own_list, "voters fetch their ballot again"
    assert ("mine" in kind.parts) == (kind.mine_heading is not None)
    assert ("mine" in kind.parts) == (kind.name in parts.MINE)


def test_the_registry_finds_kinds_by_name_and_by_activity() -> None:
    assert tuple(kind.name for kind in kinds.KINDS) == kinds.NAMES
    assert len(set(kinds.NAMES)) == len(kinds.NAMES)
    assert kinds.named("no such kind") is None and kinds.named(None) is None
    for kind in kinds.KINDS:
        assert kinds.named(kind.name) is kind
        assert kinds.of(type("Activity", (), {"kind": kind.name})()) is kind
    assert [kind for kind in kinds.KINDS if kind.composer] == [kinds.WALL]
