"""Load and validate the workshop plans in ``workshops/*.yaml``.

A plan is written by people, so every mistake is reported with the file, the field and what
is wrong, instead of a stack trace in front of the room. (Named ``plans`` rather than
``workshop_templates`` so it is never confused with Jinja templates.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import kinds
from .characters import forbidden, visible
from .cycle import METHOD_PHASES

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
# A plan is a few pages of text: these are far beyond any real one, and keep a wrong file
# (or a hostile one) from costing memory, the interpreter's stack or a traceback.
MAX_PLAN_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_DIGITS = 18


class PlanError(ValueError):
    """A plan file that cannot be used; the message names file, field and problem."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


@dataclass(frozen=True)
class InterviewQuestion:
    question: str
    probes: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    key: str
    title: str
    kind: str
    prompt: str
    minutes: int
    phase: str
    anonymous: bool = True
    easy_read: str | None = None
    questions: tuple[InterviewQuestion, ...] = ()
    dots: int | None = None
    design_areas: tuple[str, ...] = ()
    pulse_questions: tuple[str, ...] = ()
    # How far ahead a dream is set, so people can write about a real month and year.
    horizon_months: int | None = None


@dataclass(frozen=True)
class PhasePlan:
    key: str
    intro: str
    activities: tuple[Activity, ...]


@dataclass(frozen=True)
class Plan:
    name: str
    title: str
    summary: str
    duration_minutes: int
    topic_title: str
    topic_question: str
    agreements: tuple[str, ...]
    support_note: str
    phases: dict[str, PhasePlan]
    audience: str | None = None
    activities: dict[str, Activity] = field(default_factory=dict)

    def first_activity(self, phase: str) -> Activity | None:
        """The activity a phase opens with, or None for the lobby and the closed state."""
        plan = self.phases.get(phase)
        return plan.activities[0] if plan else None

    def activity(self, key: str | None) -> Activity | None:
        """The activity called ``key``, if the plan has one."""
        return self.activities.get(key) if key else None


_TOP_KEYS = {"title", "summary", "audience", "duration_minutes", "topic", "agreements",
             "support_note", "phases"}
_ACTIVITY_KEYS = {"key", "title", "kind", "prompt", "easy_read", "minutes", "anonymous",
                  "questions", "dots", "design_areas", "pulse_questions", "horizon_months"}
# Fields only some kinds of activity carry (each kind says which: kinds/).
_KIND_ONLY = frozenset().union(*(kind.plan_fields for kind in kinds.KINDS))


class _Reader:
    """Checks one field at a time and raises PlanError naming it."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> PlanError:
        return PlanError(self.source, where, problem)

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping of names to values")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.fail(where, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
        return value

    def text(self, data: dict, name: str, where: str, limit: int, required: bool = True) -> str | None:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            if required:
                raise self.fail(path, "is missing")
            return None
        value = self._checked(value, path)
        if len(value) > limit:
            raise self.fail(path, f"is {len(value)} characters long; the limit is {limit}")
        return value

    def number(self, data: dict, name: str, where: str, low: int, high: int,
               required: bool = True) -> int | None:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            if required:
                raise self.fail(path, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, "must be a whole number")
        if not low <= value <= high:
            raise self.fail(path, f"must be between {low} and {high}, not {value}")
        return value

    def _checked(self, value: Any, path: str) -> str:
        """Text as a plan may hold it: something visible, no control characters."""
        problem = forbidden(value) if isinstance(value, str) else None
        if problem:
            raise self.fail(path, f"holds {problem}; write it without")
        if not isinstance(value, str) or not visible(value):
            raise self.fail(path, "must be text")
        return value.strip()

    def texts(self, data: dict, name: str, where: str, limit: int, low: int, high: int,
              required: bool = True) -> tuple[str, ...]:
        path = f"{where}.{name}" if where else name
        value = data.get(name)
        if value is None:
            if required:
                raise self.fail(path, "is missing")
            return ()
        if not isinstance(value, list):
            raise self.fail(path, "must be a list")
        if not low <= len(value) <= high:
            raise self.fail(path, f"must have between {low} and {high} items, not {len(value)}")
        items = []
        for index, item in enumerate(value):
            item = self._checked(item, f"{path}[{index}]")
            if len(item) > limit:
                raise self.fail(f"{path}[{index}]", f"is longer than {limit} characters")
            items.append(item)
        return tuple(items)


def parse_plan(name: str, raw: Any, source: str) -> Plan:
    """Validate already-parsed YAML ``raw`` into a Plan; ``source`` names it in errors."""
    r = _Reader(source)
    data = r.mapping(raw, "", _TOP_KEYS)
    topic = r.mapping(data.get("topic"), "topic", {"title", "question"}) if "topic" in data else None
    if topic is None:
        raise r.fail("topic", "is missing")
    phases, activities = _parse_phases(r, data.get("phases"))
    return Plan(
        name=name,
        title=r.text(data, "title", "", 120) or "",
        summary=r.text(data, "summary", "", 600) or "",
        audience=r.text(data, "audience", "", 120, required=False),
        duration_minutes=r.number(data, "duration_minutes", "", 1, 1440) or 0,
        topic_title=r.text(topic, "title", "topic", 120) or "",
        topic_question=r.text(topic, "question", "topic", 500) or "",
        agreements=r.texts(data, "agreements", "", 200, 1, 12),
        support_note=r.text(data, "support_note", "", 800) or "",
        phases=phases,
        activities=activities,
    )


def _parse_phases(r: _Reader, raw: Any) -> tuple[dict[str, PhasePlan], dict[str, Activity]]:
    """All five phases, in the method's order, and every activity by its key (unique across
    the plan, since a phone's contribution names only its activity)."""
    if raw is None:
        raise r.fail("phases", "is missing")
    r.mapping(raw, "phases", set(METHOD_PHASES))
    missing = [p for p in METHOD_PHASES if p not in raw]
    if missing:
        raise r.fail("phases", f"the {missing[0]} phase is missing (every plan has all five)")
    if list(raw) != list(METHOD_PHASES):
        raise r.fail("phases", "must be in the order " + ", ".join(METHOD_PHASES))
    activities: dict[str, Activity] = {}
    phases: dict[str, PhasePlan] = {}
    for phase_key in METHOD_PHASES:
        where = f"phases.{phase_key}"
        phase_data = r.mapping(raw[phase_key], where, {"intro", "activities"})
        intro = r.text(phase_data, "intro", where, 300)
        items = phase_data.get("activities")
        if not isinstance(items, list) or not items:
            raise r.fail(f"{where}.activities", "must be a list of at least one activity")
        if len(items) > 8:
            raise r.fail(f"{where}.activities", "may have at most 8 activities")
        parsed = []
        for index, item in enumerate(items):
            activity = _parse_activity(r, item, f"{where}.activities[{index}]", phase_key)
            if activity.key in activities:
                raise r.fail(f"{where}.activities[{index}].key",
                             f"{activity.key!r} is used twice; each activity needs its own key")
            activities[activity.key] = activity
            parsed.append(activity)
        phases[phase_key] = PhasePlan(phase_key, intro or "", tuple(parsed))
    return phases, activities


def _parse_activity(r: _Reader, raw: Any, where: str, phase_key: str) -> Activity:
    data = r.mapping(raw, where, _ACTIVITY_KEYS)
    key = r.text(data, "key", where, 40) or ""
    if not KEY_PATTERN.match(key):
        raise r.fail(f"{where}.key", "use 2 to 40 lowercase letters, digits or hyphens")
    kind = r.text(data, "kind", where, 20) or ""
    facts = kinds.named(kind)
    if facts is None:
        raise r.fail(f"{where}.kind", f"{kind!r} is not a kind of activity "
                     f"(choose from {', '.join(kinds.NAMES)})")
    for name in sorted(_KIND_ONLY & data.keys() - facts.plan_fields):
        takers = sorted(k.name for k in kinds.KINDS if name in k.plan_fields)
        raise r.fail(f"{where}.{name}", f"only applies to {' or '.join(takers)} activities")
    anonymous = data.get("anonymous", True)
    if not isinstance(anonymous, bool):
        raise r.fail(f"{where}.anonymous", "must be true or false")
    questions: list[InterviewQuestion] = []
    if "questions" in facts.required_fields:
        raw_questions = data.get("questions")
        if not isinstance(raw_questions, list) or not 1 <= len(raw_questions) <= 8:
            raise r.fail(f"{where}.questions", "an interview needs a list of 1 to 8 questions")
        for index, q in enumerate(raw_questions):
            q_where = f"{where}.questions[{index}]"
            q_data = r.mapping(q, q_where, {"question", "probes"})
            questions.append(InterviewQuestion(
                r.text(q_data, "question", q_where, 400) or "",
                r.texts(q_data, "probes", q_where, 200, 0, 6, required=False)))
    return Activity(
        key=key,
        title=r.text(data, "title", where, 80) or "",
        kind=kind,
        prompt=r.text(data, "prompt", where, 500) or "",
        easy_read=r.text(data, "easy_read", where, 300, required=False),
        minutes=r.number(data, "minutes", where, 1, 480) or 0,
        phase=phase_key,
        anonymous=anonymous,
        questions=tuple(questions),
        dots=r.number(data, "dots", where, 1, 10, required=False),
        design_areas=r.texts(data, "design_areas", where, 80, 1, 12,
                             required="design_areas" in facts.required_fields),
        pulse_questions=r.texts(data, "pulse_questions", where, 150, 4, 4,
                                required="pulse_questions" in facts.required_fields),
        horizon_months=r.number(data, "horizon_months", where, 1, 120, required=False),
    )


class _Refused(yaml.MarkedYAMLError):
    """What the plan loader refuses although YAML allows it; the message is the problem."""


class _PlanLoader(yaml.SafeLoader):
    """YAML's safe loader with two more refusals, each naming its line: nesting deeper than
    MAX_DEPTH (the composer recurses, so a deep file would exhaust the stack) and numbers
    written with more than MAX_DIGITS characters (Python will not even read one of 4,300)."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(problem=f"it is nested more than {MAX_DEPTH} levels deep, which "
                               "no plan needs", problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
        written = str(node.value)
        if len(written) > MAX_DIGITS:
            raise _Refused(problem=f"the number {written[:12]}… ({len(written)} characters) is "
                           "far larger than any a plan uses", problem_mark=node.start_mark)
        return SafeConstructor.construct_yaml_int(self, node)


_PlanLoader.add_constructor("tag:yaml.org,2002:int", _PlanLoader.construct_bounded_int)


def load_plan_file(path: Path) -> Plan:
    """Read and validate one plan file."""
    source = path.name
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanError(source, "", f"is {size:,} bytes; a plan file may be at most "
                            f"{MAX_PLAN_BYTES:,}")
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_PlanLoader)  # a SafeLoader
    except _Refused as exc:
        raise PlanError(source, f"line {exc.problem_mark.line + 1}", str(exc.problem)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise PlanError(source, where, f"is not valid YAML ({getattr(exc, 'problem', exc)})") from None
    except UnicodeDecodeError:
        raise PlanError(source, "", "is not UTF-8 text") from None
    return parse_plan(path.stem, raw, source)


def load_plans(directory: Path) -> dict[str, Plan]:
    """All plans in ``directory`` by name; the first broken file stops the load loudly."""
    return {path.stem: load_plan_file(path) for path in sorted(directory.glob("*.yaml"))}
