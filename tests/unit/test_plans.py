"""Plan files: every shipped plan loads, and every kind of mistake is named precisely."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.config import PROJECT_ROOT
from facilitation.plans import PlanError, load_plan_file, load_plans, parse_plan

SHIPPED = PROJECT_ROOT / "workshops"


def valid_plan() -> dict:
    activity = {"key": "hopes", "title": "Hopes", "kind": "wall", "prompt": "What do you hope for?",
                "minutes": 10}
    return {
        "title": "Test plan", "summary": "A plan for tests.", "duration_minutes": 60,
        "topic": {"title": "At our best", "question": "When are we at our best?"},
        "agreements": ["Anonymous by default."],
        "support_note": "Talk to someone you trust.",
        "phases": {phase: {"intro": f"{phase} intro", "activities": [
            {**activity, "key": f"{phase}-hopes"}]}
            for phase in ("define", "discover", "dream", "design", "deliver")},
    }


def test_every_shipped_plan_loads() -> None:
    plans = load_plans(SHIPPED)
    assert {"at-our-best-with-each-other", "one-day", "team-90-minutes"} <= set(plans)
    for plan in plans.values():
        assert set(plan.phases) == {"define", "discover", "dream", "design", "deliver"}
        assert all(phase.activities for phase in plan.phases.values())


def test_default_plan_covers_the_whole_cycle_with_its_method() -> None:
    plan = load_plans(SHIPPED)["at-our-best-with-each-other"]
    kinds = {a.kind for a in plan.activities.values()}
    assert {"interview", "themes", "dreams", "propositions", "commitments", "pulse"} <= kinds
    interview = next(a for a in plan.activities.values() if a.kind == "interview")
    assert interview.phase == "discover" and len(interview.questions) >= 3


def test_a_valid_plan_parses() -> None:
    plan = parse_plan("t", valid_plan(), "t.yaml")
    assert plan.first_activity("dream").key == "dream-hopes"
    assert plan.activity("dream-hopes").anonymous is True
    assert plan.first_activity("lobby") is None


def _broken(change: Callable[[dict], None]) -> dict:
    data = copy.deepcopy(valid_plan())
    change(data)
    return data


def _set(path: list, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return change


def _delete(path: list) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
    return change


DREAM_ACTIVITY = ["phases", "dream", "activities", 0]

MALFORMED = [
    ("missing title", _delete(["title"]), "title", "is missing"),
    ("unknown field", _set(["colour"], "blue"), "", "unknown field 'colour'"),
    ("title too long", _set(["title"], "x" * 121), "title", "limit is 120"),
    ("duration as text", _set(["duration_minutes"], "an hour"), "duration_minutes",
     "whole number"),
    ("duration zero", _set(["duration_minutes"], 0), "duration_minutes", "between 1 and 1440"),
    ("topic missing", _delete(["topic"]), "topic", "is missing"),
    ("topic question missing", _delete(["topic", "question"]), "topic.question", "is missing"),
    ("agreements not a list", _set(["agreements"], "be kind"), "agreements", "must be a list"),
    ("phase missing", _delete(["phases", "deliver"]), "phases", "deliver phase is missing"),
    ("unknown phase", _set(["phases", "destiny"], {}), "phases", "unknown field 'destiny'"),
    ("no activities", _set(["phases", "dream", "activities"], []), "phases.dream.activities",
     "at least one activity"),
    ("bad key", _set(DREAM_ACTIVITY + ["key"], "Dream Hopes"), "phases.dream.activities[0].key",
     "lowercase"),
    ("unknown kind", _set(DREAM_ACTIVITY + ["kind"], "poll"), "phases.dream.activities[0].kind",
     "not a kind of activity"),
    ("minutes negative", _set(DREAM_ACTIVITY + ["minutes"], -5),
     "phases.dream.activities[0].minutes", "between 1 and 480"),
    ("anonymous not boolean", _set(DREAM_ACTIVITY + ["anonymous"], "yes"),
     "phases.dream.activities[0].anonymous", "true or false"),
    ("dots on a wall", _set(DREAM_ACTIVITY + ["dots"], 3), "phases.dream.activities[0].dots",
     "only applies to dreams or propositions"),
    ("interview without questions", _set(DREAM_ACTIVITY + ["kind"], "interview"),
     "phases.dream.activities[0].questions", "interview needs"),
    ("prompt empty", _set(DREAM_ACTIVITY + ["prompt"], "   "),
     "phases.dream.activities[0].prompt", "must be text"),
    ("horizon on a wall", _set(DREAM_ACTIVITY + ["horizon_months"], 24),
     "phases.dream.activities[0].horizon_months", "only applies to dreams"),
]


@pytest.mark.parametrize(("case", "change", "where", "problem"), MALFORMED,
                         ids=[case[0] for case in MALFORMED])
def test_malformed_plans_name_file_field_and_problem(case: str, change: Callable[[dict], None],
                                                     where: str, problem: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan("broken", _broken(change), "broken.yaml")
    assert caught.value.source == "broken.yaml"
    assert caught.value.where == where
    assert problem in caught.value.problem
    assert str(caught.value).startswith("broken.yaml: ")


def test_every_shipped_plan_sets_what_dream_design_and_deliver_need() -> None:
    for plan in load_plans(SHIPPED).values():
        kinds = [a.kind for a in plan.activities.values()]
        assert {"dreams", "propositions", "commitments", "pulse"} <= set(kinds), plan.name
        for activity in plan.activities.values():
            if activity.kind in ("dreams", "propositions"):
                assert activity.dots and activity.anonymous, activity.key
            if activity.kind == "dreams":
                assert activity.horizon_months == 24
            if activity.kind == "propositions":
                assert len(activity.design_areas) >= 4
            if activity.kind == "pulse":
                assert len(activity.pulse_questions) == 4 and activity.anonymous


def test_a_dream_horizon_is_a_number_of_months() -> None:
    data = valid_plan()
    data["phases"]["dream"]["activities"][0].update(kind="dreams", horizon_months=200)
    with pytest.raises(PlanError, match="horizon_months: must be between 1 and 120, not 200"):
        parse_plan("far", data, "far.yaml")


def test_duplicate_activity_keys_are_refused() -> None:
    data = valid_plan()
    data["phases"]["dream"]["activities"][0]["key"] = "define-hopes"
    with pytest.raises(PlanError, match=r"phases.dream.activities\[0\].key: 'define-hopes' is used twice"):
        parse_plan("dup", data, "dup.yaml")


def test_phases_out_of_order_are_refused() -> None:
    data = valid_plan()
    data["phases"] = dict(reversed(list(data["phases"].items())))
    with pytest.raises(PlanError, match="must be in the order define, discover"):
        parse_plan("order", data, "order.yaml")


def test_pulse_needs_exactly_four_questions() -> None:
    data = valid_plan()
    data["phases"]["deliver"]["activities"][0].update(kind="pulse", pulse_questions=["a", "b", "c"])
    with pytest.raises(PlanError, match=r"pulse_questions: must have between 4 and 4 items, not 3"):
        parse_plan("pulse", data, "pulse.yaml")


def test_invalid_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: [unclosed\nsummary: x\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"^bad.yaml: line \d+: is not valid YAML"):
        load_plan_file(path)


def test_a_yaml_list_instead_of_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(yaml.safe_dump(["a", "b"]), encoding="utf-8")
    with pytest.raises(PlanError, match="^list.yaml: must be a mapping"):
        load_plan_file(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(PlanError, match="^latin.yaml: is not UTF-8 text"):
        load_plan_file(path)


# -- hostile plan files: clear messages, never a traceback --

def _write_with(tmp_path: Path, path: list, raw: str, name: str = "hostile") -> Path:
    """The valid plan as YAML with ``raw`` (YAML written by hand) at ``path``."""
    data = _broken(_set(path, "@@RAW@@"))
    target = tmp_path / f"{name}.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).replace("'@@RAW@@'", raw),
                      encoding="utf-8")
    return target


@pytest.mark.parametrize(("path", "raw", "message"), [
    (["title"], "[" * 50_000 + "]" * 50_000, r"line \d+: it is nested more than 32 levels"),
    (["summary"], "{a: " * 40 + "1" + "}" * 40, r"line \d+: it is nested more than 32 levels"),
    (["duration_minutes"], "1" * 5000, r"line \d+: the number 111111111111… \(5000 characters\)"),
    (["duration_minutes"], "0x" + "f" * 40, r"the number 0xffffffffff… \(42 characters\)"),
    (["duration_minutes"], str(2**80), r"the number 120892581961… \(25 characters\)"),
    (["duration_minutes"], str(10**17), r"duration_minutes: must be between 1 and 1440, not 1"),
    (DREAM_ACTIVITY + ["minutes"], ".nan", r"minutes: must be a whole number"),
    (["title"], '"Our best\\0day"', r"title: holds a control character \(U\+0000\)"),
    (["topic", "question"], '"When \\u202Eare we at our best?"',
     r"topic.question: holds a text-direction control \(U\+202E\)"),
    (["agreements", 0], '"\\u200B\\u200D"', r"agreements\[0\]: must be text"),
    (DREAM_ACTIVITY + ["prompt"], '"\\uD800"',
     r"prompt: holds half of a character \(the lone surrogate U\+D800\)"),
])
def test_hostile_values_in_a_plan_file_are_named(tmp_path: Path, path: list, raw: str,
                                                 message: str) -> None:
    with pytest.raises(PlanError, match=r"^hostile.yaml: ") as caught:
        load_plan_file(_write_with(tmp_path, path, raw))
    assert re.search(message, str(caught.value)), str(caught.value)


def test_a_plan_file_larger_than_any_plan_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    with pytest.raises(PlanError, match=r"^huge.yaml: is 2,147,483,648 bytes; a plan file may "
                                        r"be at most 1,048,576"):
        load_plan_file(path)


def _paths(data: object, prefix: list) -> list[list]:
    """Every place in a plan's data a value could be replaced."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, [*prefix, key])
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, [*prefix, index])
    return found


HOSTILE_YAML = st.one_of(
    st.integers(33, 20_000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(19, 6000).map(lambda digits: "9" * digits),
    st.sampled_from([str(2**63), str(-(2**80)), ".inf", "-.nan", "1e999", "null", "~", "true",
                     "[]", "{}", "2026-07-31", "!!binary aGk=", '"\\0"', '"\\x1b[31m"',
                     '"\\u202e"', '"\\u2066x"', '"\\u200b"', '" "', '"\\t"', "&a [*a]",
                     '"' + "x" * 5000 + '"', "{? [a]: b}"]),
)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_hostile_value_anywhere_in_a_plan_gives_a_plan_error(tmp_path_factory,
                                                                 data) -> None:
    path = data.draw(st.sampled_from(_paths(valid_plan(), [])))
    raw = data.draw(HOSTILE_YAML)
    target = _write_with(tmp_path_factory.mktemp("plan"), path, raw)
    try:
        load_plan_file(target)
    except PlanError as exc:
        assert str(exc).startswith("hostile.yaml: ") and "\n" not in str(exc)
