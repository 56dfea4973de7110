"""The check-out pulse: four questions answered from 1 to 5 and one word, once per person
(answering again replaces the earlier answers).

Results are only ever totals: averages, how many chose each number, and how often each word
came up. They show once the facilitator reveals them, and only when enough people answered
that nobody's own answers can be read off them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import cycle, kinds
from ..plans import Activity
from ..small_numbers import FEWEST
from ..store import Workshop
from ..store.models import ActivityState, PulseResponse
from ..translation import N_
from . import Runtime, authorship, parts
from .access import Actor, require_member
from .errors import Conflict, Forbidden, Invalid, NotFound
from .numbers import whole_number
from .text import clean

SCALE = (1, 2, 3, 4, 5)
SCALE_WORDS = {1: N_("Not at all"), 2: N_("A little"), 3: N_("Somewhat"), 4: N_("Mostly"),
               5: N_("Very much")}
MIN_RESPONSES = FEWEST
MAX_WORD_WORDS = 3


@dataclass(frozen=True)
class QuestionResult:
    question: str
    average: float
    counts: tuple[int, ...]  # how many chose 1, 2, 3, 4, 5

    @property
    def most(self) -> int:
        return max(self.counts, default=0)


@dataclass(frozen=True)
class PulseResults:
    """What the room may see: never one person's answers."""

    responses: int
    revealed: bool
    questions: tuple[QuestionResult, ...]
    words: tuple[tuple[str, int], ...]

    @property
    def enough(self) -> bool:
        return self.responses >= MIN_RESPONSES

    @property
    def shown(self) -> bool:
        return self.revealed and self.enough


def _responses(db: Session, workshop_id: int, key: str) -> list[PulseResponse]:
    return list(db.scalars(select(PulseResponse).where(
        PulseResponse.workshop_id == workshop_id, PulseResponse.activity_key == key)))


def normal_word(word: str) -> str:
    """Words are counted case-blind and without surrounding punctuation."""
    return re.sub(r"^[^\w]+|[^\w]+$", "", word.lower())


def pulse_results(db: Session, workshop_id: int, activity: Activity,
                  settings: ActivityState | None) -> PulseResults:
    """The count always; averages, spreads and words only once revealed and enough answered."""
    rows = _responses(db, workshop_id, activity.key)
    revealed = bool(settings and settings.revealed)
    if not revealed or len(rows) < MIN_RESPONSES:
        return PulseResults(len(rows), revealed, (), ())
    questions = []
    for index, question in enumerate(activity.pulse_questions, start=1):
        answers = [getattr(r, f"answer_{index}") for r in rows]
        spread = Counter(answers)
        questions.append(QuestionResult(question, round(sum(answers) / len(answers), 1),
                                        tuple(spread.get(n, 0) for n in SCALE)))
    words = Counter(normal_word(r.word) for r in rows if r.word and normal_word(r.word))
    return PulseResults(len(rows), revealed, tuple(questions),
                        tuple(sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))))


def _answers(form: Mapping[str, object], questions: tuple[str, ...]) -> list[int]:
    answers = []
    for index, question in enumerate(questions, start=1):
        value = whole_number(form.get(f"answer_{index}"))
        if value is None or value not in SCALE:
            raise Invalid("Please choose a number from 1 to 5 for “%(question)s”. "
                          "Your other answers are kept.", question=question.rstrip("."))
        answers.append(value)
    return answers


def answer(rt: Runtime, actor: Actor, form: Mapping[str, object]) -> PulseResponse:
    """Save (or replace) this person's check-out answers: one answer each (counted in
    Participation), the row sealed so only their phone finds it again."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("The check-out is for participants.")
    word = clean(form.get("word"), "pulse_word", "Your word", required=False)
    if word and len(word.split()) > MAX_WORD_WORDS:
        raise Invalid("Please keep it to one word, or a very short phrase.")
    rt.limits.check_sharing(actor)
    for attempt in range(2):
        try:
            with rt.store.transaction() as db:
                response = _answer(db, rt, actor, form, word)
            break
        except IntegrityError:
            # Two tabs answered at the same moment: the second becomes an update.
            if attempt:
                raise
    rt.broadcaster.board_changed(actor.workshop_id)
    return response


def _answer(db: Session, rt: Runtime, actor: Actor, form: Mapping[str, object],
            word: str) -> PulseResponse:
    workshop = db.get(Workshop, actor.workshop_id)
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    activity = rt.plan_for(workshop.plan_name).activity(workshop.activity_key)
    if (activity is None or kinds.of(activity) is not kinds.PULSE
            or not cycle.phase(workshop.phase).open_for_contributions):
        raise Conflict("The check-out is not open right now.")
    settings = db.get(ActivityState, (workshop.id, activity.key))
    if settings is not None and settings.locked:
        raise Conflict("The facilitator has closed the check-out.")
    if settings is not None and settings.revealed and not settings.results_shown:
        raise Conflict("The results are showing, so the check-out has paused.")
    if settings is not None and settings.results_shown:
        # A change after a reveal (even hidden again) would show one person's answers as a
        # difference between two reveals.
        raise Conflict("The results have been shown, so the check-out has closed for good: "
                       "a change now would tell the room one person's answers.")
    answers = _answers(form, activity.pulse_questions)
    response = my_response(db, workshop.id, activity.key, actor)
    if response is None:
        if authorship.held(db, workshop.id, activity.key, actor.participant_id):
            raise Conflict("You have already answered the check-out on another phone or "
                           "browser; only that one can change the answers.")
        response = PulseResponse(workshop_id=workshop.id, activity_key=activity.key,
                                 owner_tag=authorship.seal(actor.author_key))
        authorship.count(db, workshop.id, activity.key, actor.participant_id, +1)
        db.add(response)
    for index, value in enumerate(answers, start=1):
        setattr(response, f"answer_{index}", value)
    response.word = word
    return response


def my_response(db: Session, workshop_id: int, key: str, me: Actor) -> PulseResponse | None:
    """My check-out answers, found with my phone's key."""
    return next(iter(authorship.own(db.scalars(select(PulseResponse).where(
        PulseResponse.workshop_id == workshop_id, PulseResponse.activity_key == key)),
        me.author_key)), None)


@parts.room(kinds.PULSE)
def _check_out_in_room(db: Session, workshop: Workshop, _plan: object, activity: Activity,
                       settings: ActivityState | None) -> dict[str, Any]:
    """The check-out's results (shown only once revealed); what counts is the answers."""
    results = pulse_results(db, workshop.id, activity, settings)
    return dict(pulse=results, counted=results.responses)


@parts.mine(kinds.PULSE)
def _my_check_out(db: Session, room: Any, me: Actor) -> dict[str, Any]:
    return {"my_pulse": my_response(db, room.workshop.id, room.activity.key, me)}
