"""Small numbers never single anyone out, for every kind of activity (README, "Small numbers").

For each kind in the registry, two people take part in an activity of that kind (and the
results are shown, where the kind has results); then every page, fragment and report anyone
can fetch is read as a person reads it. No count of people may say 1 or 2 — it says "fewer
than 3" — and no total, average or breakdown drawn from them may show. A kind added to the
registry without a script here fails, so the rule is tested for it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from facilitation import kinds, runtime_of
from facilitation.export.model import build_report
from facilitation.export.summary_markdown import render_markdown
from facilitation.services import (
    activities,
    contributions,
    deliver,
    design,
    dreams,
    pulse,
    stories,
    votes,
)
from facilitation.services.errors import Conflict
from tests.integration.method_room import MethodRoom, after_discover, every_view, facilitator_client
from tests.reading import words

PEOPLE_COUNTS = [
    re.compile(r"(?<![\d.,])[12] (?:of \S+ )?(?:person|people)\b"),
    re.compile(r"(?<![\d.,])[12] (?:has|have) (?:shared|answered|placed|checked|voted)"),
    re.compile(r"(?<![\d.,])[12] (?:voter|member)s?\b"),
]
# How a page shows totals: the results list's heading, and the check-out's averages.
SHOWN_TOTALS = [re.compile(r"The room's dots"), re.compile(r"On average \d")]
# A pair's size is the pair, not what anyone said in it.
NOT_A_COUNT = re.compile(r"Table \d+ · [12] people")


def _wall(method: MethodRoom, key: str) -> None:
    for n, person in enumerate(method.people):
        contributions.contribute(method.rt, person, key, f"A card from person {n}", f"sn-{n:05d}")


def _interview(method: MethodRoom, _key: str) -> None:
    stories.save_story(method.rt, method.people[1], {"headline": "Second story", "sharing": "room"})


def _themes(_method: MethodRoom, _key: str) -> None:
    """The facilitator groups; people add nothing of their own here."""


def _dreams(method: MethodRoom, _key: str) -> None:
    ids = [dreams.add_dream(method.rt, p, f"Dream {n}", [], f"dream-sn-{n:04d}")[0].id
           for n, p in enumerate(method.people)]
    for person in method.people:
        votes.place_dot(method.rt, person, f"contribution:{ids[0]}")


def _propositions(method: MethodRoom, _key: str) -> None:
    ids = [design.add_proposition(method.rt, p, {"text": f"We greet colleague {n}",
                                                 "area": "plan:0",
                                                 "client_id": f"prop-sn-{n:04d}"}).id
           for n, p in enumerate(method.people)]
    for person in method.people:
        votes.place_dot(method.rt, person, f"proposition:{ids[0]}")


def _commitments(method: MethodRoom, _key: str) -> None:
    today = date.today()
    for n, person in enumerate(method.people):
        deliver.add_commitment(method.rt, person, {
            "kind": "personal", "what": f"Commitment {n}", "owner_name": f"Owner {n}",
            "due_date": (today + timedelta(30)).isoformat(), "first_step": "Start",
            "first_step_due": (today + timedelta(3)).isoformat(),
            "client_id": f"commit-sn-{n:04d}"})
    team = deliver.start_team(method.rt, method.facilitator, {"name": "Welcome team"})
    for person in method.people:
        deliver.join_team(method.rt, person, team.id, show_name=False)


def _pulse(method: MethodRoom, _key: str) -> None:
    for n, person in enumerate(method.people):
        pulse.answer(method.rt, person, {f"answer_{i}": str(1 + (n + i) % 5)
                                         for i in range(1, 5)} | {"word": f"word{n}"})


SCRIPTS: dict[str, Callable[[MethodRoom, str], None]] = {
    kinds.WALL.name: _wall, kinds.INTERVIEW.name: _interview, kinds.THEMES.name: _themes,
    kinds.DREAMS.name: _dreams, kinds.PROPOSITIONS.name: _propositions,
    kinds.COMMITMENTS.name: _commitments, kinds.PULSE.name: _pulse,
}


def test_every_kind_has_a_script() -> None:
    assert set(SCRIPTS) == set(kinds.NAMES)


@pytest.mark.parametrize("kind", kinds.NAMES)
def test_two_people_are_never_counted_or_added_up(make_app, kind: str) -> None:
    app = make_app()
    rt = runtime_of(app)
    method = after_discover(rt, people=2)
    plan = rt.plans["at-our-best-with-each-other"]
    key = [a.key for a in plan.activities.values() if a.kind == kind][-1]
    method.go_to(key)
    SCRIPTS[kind](method, key)
    if kinds.named(kind).reveals_results:
        activities.set_flag(rt, method.facilitator, "revealed", True)
    pages = every_view(app, rt, method.room)
    facilitator = facilitator_client(app, rt, method.room)
    code = method.room.code
    pages += [facilitator.get(f"/w/{code}/report?audience={a}").get_data(as_text=True)
              for a in ("full", "public")]
    with app.test_request_context():
        pages.append(render_markdown(build_report(rt, method.room.workshop_id, "full")))
    text = [NOT_A_COUNT.sub("", words(page)) for page in pages]
    counted = [(m.group(0), t[max(0, m.start() - 60):m.end() + 30])
               for t in text for pattern in PEOPLE_COUNTS for m in pattern.finditer(t)]
    assert counted == [], counted[:5]
    assert any("fewer than 3" in t for t in text)
    if kinds.named(kind).reveals_results:
        totals = [(m.group(0), t[max(0, m.start() - 60):m.end() + 30])
                  for t in text for pattern in SHOWN_TOTALS for m in pattern.finditer(t)]
        assert totals == [], totals[:5]


@pytest.mark.parametrize("kind", [k.name for k in kinds.KINDS if k.reveals_results])
def test_no_sequence_of_hide_change_and_show_differences_one_answer(make_app,
                                                                    kind: str) -> None:
    """Three people answer, the results show; hidden again, nobody can add, change or take
    back anything, so a second showing can only repeat the first."""
    app = make_app()
    rt = runtime_of(app)
    method = after_discover(rt, people=4)
    plan = rt.plans["at-our-best-with-each-other"]
    key = next(a.key for a in plan.activities.values() if a.kind == kind)
    method.go_to(key)
    late, method.room.people = method.room.people[3], method.room.people[:3]
    SCRIPTS[kind](method, key)
    activities.set_flag(rt, method.facilitator, "revealed", True)
    first = [words(p) for p in every_view(app, rt, method.room)]
    activities.set_flag(rt, method.facilitator, "revealed", False)
    late_joiner = [late, *method.people]
    attempts: list[Callable[[], object]] = []
    if kinds.named(kind).vote_target:
        with rt.store.reading() as db:
            ids = votes.visible_targets(db, method.room.workshop_id, plan.activity(key))
        target = f"{kinds.named(kind).vote_target}:{min(ids)}"
        attempts += [lambda who=who: votes.place_dot(rt, who, target) for who in late_joiner]
        attempts += [lambda who=who: votes.take_back_dot(rt, who, target)
                     for who in method.people]
    else:
        attempts += [lambda who=who: pulse.answer(rt, who, {f"answer_{i}": "1"
                                                             for i in range(1, 5)})
                     for who in late_joiner]
    for attempt in attempts:
        with pytest.raises(Conflict, match="closed for good"):
            attempt()
    activities.set_flag(rt, method.facilitator, "revealed", True)
    assert [words(p) for p in every_view(app, rt, method.room)] == first
