"""Dot voting on dreams and propositions: a budget of dots per person, totals hidden until the
facilitator reveals them, so nobody follows the crowd.

One Vote row is one dot, sealed by its voter (services.authorship): no row says whose it
is; how many dots a person has spent is counted apart. A person may put several dots on the
same item and take dots back while voting is open. Totals are only ever computed when the
activity is revealed, so no view can leak them before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ScalarResult, delete, select
from sqlalchemy.orm import Session

from .. import cycle, kinds
from ..plans import Activity
from ..small_numbers import FEWEST
from ..store import Contribution, Participant, Workshop
from ..store.models import ActivityState, Proposition, Vote
from ..translation import N_, translate
from . import Runtime, authorship
from .access import Actor, require_facilitator, require_member
from .activities import settings_for
from .errors import Conflict, Forbidden, Invalid, NotFound
from .numbers import whole_number

DEFAULT_DOTS = 3
MAX_DOTS = 10


def _target_type(activity: Activity) -> str | None:
    """What people's dots go on in ``activity`` ("contribution", "proposition"), if anything."""
    kind = kinds.of(activity)
    return kind.vote_target if kind else None


def dots_per_person(activity: Activity, settings: ActivityState | None) -> int:
    """The facilitator's number if set, else the plan's, else three."""
    if settings is not None and settings.dots:
        return settings.dots
    return activity.dots or DEFAULT_DOTS


def visible_targets(db: Session, workshop_id: int, activity: Activity) -> set[int]:
    """Ids of the items people can vote on in ``activity`` (hidden ones left out)."""
    if _target_type(activity) == "contribution":
        return set(db.scalars(select(Contribution.id).where(
            Contribution.workshop_id == workshop_id, Contribution.activity_key == activity.key,
            Contribution.hidden.is_(False))))
    return set(db.scalars(select(Proposition.id).where(
        Proposition.workshop_id == workshop_id, Proposition.hidden.is_(False))))


def _votes(db: Session, workshop_id: int, activity: Activity) -> ScalarResult[int]:
    return db.scalars(select(Vote.target_id).where(
        Vote.workshop_id == workshop_id, Vote.activity_key == activity.key,
        Vote.target_type == _target_type(activity)))


def _my_dots(db: Session, workshop_id: int, activity: Activity, me: Actor) -> list[Vote]:
    """My dots in this vote, found with my phone's key: no row says whose a dot is."""
    return authorship.own(db.scalars(select(Vote).where(
        Vote.workshop_id == workshop_id, Vote.activity_key == activity.key,
        Vote.target_type == _target_type(activity))), me.author_key)


@dataclass(frozen=True)
class Ballot:
    """One person's own dots: never anyone else's, never a total."""

    limit: int
    mine: dict[int, int]
    open: bool
    closed_reason: str | None

    @property
    def used(self) -> int:
        return sum(self.mine.values())

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def ballot(db: Session, workshop_id: int, activity: Activity, me: Actor,
           settings: ActivityState | None) -> Ballot:
    targets = visible_targets(db, workshop_id, activity)
    mine = Counter(dot.target_id for dot in _my_dots(db, workshop_id, activity, me)
                   if dot.target_id in targets)
    reason = None
    if settings is not None and (settings.revealed or settings.results_shown):
        reason = translate(CLOSED_FOR_GOOD if settings.results_shown else SHOWING)
    return Ballot(dots_per_person(activity, settings), dict(mine), reason is None, reason)


SHOWING = N_("The results are showing, so voting has paused.")
CLOSED_FOR_GOOD = N_("The results have been shown, so voting has closed for good: a "
                     "change now would tell the room how one person voted.")


def too_few(db: Session, workshop_id: int, activity: Activity) -> bool:
    """Fewer than ``FEWEST`` people voted: totals would tell who put dots where."""
    return voters(db, workshop_id, activity) < FEWEST


def tallies(db: Session, workshop_id: int, activity: Activity,
            settings: ActivityState | None) -> dict[int, int] | None:
    """Dots per item, or None while the results are hidden (so they cannot leak) or drawn
    from fewer than ``FEWEST`` people."""
    if settings is None or not settings.revealed or too_few(db, workshop_id, activity):
        return None
    targets = visible_targets(db, workshop_id, activity)
    counted = Counter(t for t in _votes(db, workshop_id, activity) if t in targets)
    return {target: counted.get(target, 0) for target in targets}


def voters(db: Session, workshop_id: int, activity: Activity) -> int:
    """How many people have placed at least one dot: progress, not results."""
    return authorship.people(db, workshop_id, activity.key, authorship.DOTS)


def _open_activity(db: Session, rt: Runtime, actor: Actor) -> tuple[Activity, ActivityState | None]:
    workshop = db.get(Workshop, actor.workshop_id)
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    activity = rt.plan_for(workshop.plan_name).activity(workshop.activity_key)
    if (activity is None or _target_type(activity) is None
            or not cycle.phase(workshop.phase).open_for_contributions):
        raise Conflict("There is no vote running right now.")
    return activity, db.get(ActivityState, (workshop.id, activity.key))


def _target(ref: object, activity: Activity) -> int:
    kind, _, digits = str(ref or "").partition(":")
    number = whole_number(digits)
    if kind != _target_type(activity) or number is None:
        raise Invalid("Choose one of the items on the list to put your dot on.")
    return number


def place_dot(rt: Runtime, actor: Actor, ref: object) -> Ballot:
    """Put one of my dots on an item; refused with a clear message once my dots are used."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("Only participants vote; the facilitator's job is to reveal the results.")
    if not actor.author_key:
        raise Conflict("Please reload this page, then place your dot again.")
    with rt.store.transaction() as db:
        # On PostgreSQL this row lock serialises one person's clicks; on SQLite the insert
        # below takes the write lock before the budget is counted.
        db.execute(select(Participant.id).where(Participant.id == actor.participant_id)
                   .with_for_update())
        activity, settings = _open_activity(db, rt, actor)
        if settings is not None and (settings.revealed or settings.results_shown):
            raise Conflict(CLOSED_FOR_GOOD if settings.results_shown else SHOWING)
        target = _target(ref, activity)
        if target not in visible_targets(db, actor.workshop_id, activity):
            raise NotFound("That item is no longer on the list.")
        # Counting first takes the write lock (a row lock on PostgreSQL) before the budget is
        # read, so two tabs clicking at once cannot both spend the last dot.
        authorship.count(db, actor.workshop_id, activity.key, actor.participant_id, +1,
                          authorship.DOTS)
        if ballot(db, actor.workshop_id, activity, actor, settings).left < 1:
            raise Invalid("You have used all %(limit)s of your dots. Take a dot back from "
                          "another one first if you want to move it here.",
                          limit=dots_per_person(activity, settings))
        db.add(Vote(workshop_id=actor.workshop_id, activity_key=activity.key,
                    owner_tag=authorship.seal(actor.author_key),
                    target_type=_target_type(activity), target_id=target))
        db.flush()
        mine = ballot(db, actor.workshop_id, activity, actor, settings)
    rt.broadcaster.votes_changed(actor.workshop_id, actor.participant_id)
    return mine


def take_back_dot(rt: Runtime, actor: Actor, ref: object) -> Ballot:
    """Take one of my dots off an item again."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("Only participants vote.")
    with rt.store.transaction() as db:
        activity, settings = _open_activity(db, rt, actor)
        if settings is not None and (settings.revealed or settings.results_shown):
            raise Conflict(CLOSED_FOR_GOOD if settings.results_shown else SHOWING)
        target = _target(ref, activity)
        dot = next((d for d in _my_dots(db, actor.workshop_id, activity, actor)
                    if d.target_id == target), None)
        if dot is None:
            raise Conflict("You have no dot on that one to take back.")
        db.execute(delete(Vote).where(Vote.id == dot.id))
        authorship.count(db, actor.workshop_id, activity.key, actor.participant_id, -1,
                          authorship.DOTS)
        mine = ballot(db, actor.workshop_id, activity, actor, settings)
    rt.broadcaster.votes_changed(actor.workshop_id, actor.participant_id)
    return mine


def set_dots(rt: Runtime, actor: Actor, dots: object) -> None:
    """The facilitator changes the number of dots each person has in the current vote."""
    require_facilitator(actor)
    number = whole_number(dots)
    if number is None or not 1 <= number <= MAX_DOTS:
        raise Invalid("Choose a number of dots from 1 to %(most)s.", most=MAX_DOTS)
    with rt.store.transaction() as db:
        activity, _settings = _open_activity(db, rt, actor)
        settings_for(db, actor.workshop_id, activity.key).dots = number
        db.get(Workshop, actor.workshop_id).version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)
