"""Workshops: create one from a plan, set its topic, join it, move the room through the cycle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import cycle
from ..store import Participant, Workshop, lookups
from . import Runtime, seating, stories
from .access import (
    Actor,
    hash_key,
    key_matches,
    new_facilitator_key,
    new_join_code,
    new_participant_id,
    normalise_code,
    require_facilitator,
)
from .errors import Conflict, Forbidden, Invalid, NotFound
from .group_commit import Queued
from .text import clean


def create(rt: Runtime, plan_name: str, title: str | None = None) -> tuple[Workshop, str]:
    """Start a workshop from a plan; returns it with the facilitator's secret key (shown once)."""
    plan = rt.plan_for(plan_name)
    title = clean(title, "title", "The title", required=False) or plan.title
    key = new_facilitator_key()
    for _attempt in range(20):
        try:
            with rt.store.transaction() as db:
                workshop = Workshop(
                    code=new_join_code(), plan_name=plan.name, title=title,
                    topic_title=plan.topic_title, topic_question=plan.topic_question,
                    facilitator_key_hash=hash_key(key), phase="lobby", activity_key=None,
                    version=1)
                db.add(workshop)
            return workshop, key
        except IntegrityError:
            continue  # the random join code was taken; draw another
    raise Conflict("Could not find a free join code. Please try again.")


def find(rt: Runtime, code: str) -> Workshop:
    """The workshop with this join code, as typed by a person (every request about a
    workshop starts here, so it is read without an ORM session: store/lookups.py)."""
    with rt.store.connection() as connection:
        workshop = lookups.workshop_by_code(connection, normalise_code(code))
    if workshop is None:
        raise NotFound("No workshop has that code. Please check it and try again.")
    return workshop


def facilitator_login(rt: Runtime, code: str, key: str) -> Workshop:
    """Check a facilitator's secret link; the same message for a wrong code or a wrong key."""
    try:
        workshop = find(rt, code)
    except NotFound:
        workshop = None
    if workshop is None or not key_matches(key, workshop.facilitator_key_hash):
        raise Forbidden("That facilitator link is not valid.")
    return workshop


def update_define(rt: Runtime, actor: Actor, form: dict[str, object]) -> None:
    """Define: the facilitator sets the title and the affirmative topic everyone sees."""
    require_facilitator(actor)
    values = {
        "title": clean(form.get("title"), "title", "The workshop title"),
        "topic_title": clean(form.get("topic_title"), "topic_title", "The topic"),
        "topic_question": clean(form.get("topic_question"), "topic_question",
                                "The topic question", multiline=True),
        "organisation": clean(form.get("organisation"), "organisation", "The organisation",
                              required=False),
        "facilitator_name": clean(form.get("facilitator_name"), "facilitator_name",
                                  "The facilitator's name", required=False),
    }
    with rt.store.transaction() as db:
        workshop = _locked(db, actor.workshop_id)
        for name, value in values.items():
            setattr(workshop, name, value)
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)


def move(rt: Runtime, actor: Actor, direction: str) -> str:
    """Move the room one phase forward or back; every screen follows. Returns the new phase."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        workshop = _locked(db, actor.workshop_id)
        try:
            target = cycle.step(workshop.phase, direction)
        except cycle.CycleError as exc:
            raise Conflict(exc.text, **exc.params) from None
        first = rt.plan_for(workshop.plan_name).first_activity(target)
        workshop.phase = target
        workshop.activity_key = first.key if first else None
        workshop.version += 1
        stories.forget_unclaimed(db, workshop.id)
    rt.broadcaster.workshop_changed(actor.workshop_id)
    return target


def choose_activity(rt: Runtime, actor: Actor, activity_key: str) -> None:
    """Open another activity of the current phase."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        workshop = _locked(db, actor.workshop_id)
        activity = rt.plan_for(workshop.plan_name).activity(str(activity_key or ""))
        if activity is None or activity.phase != workshop.phase:
            raise Invalid("Choose one of this phase's activities.")
        if workshop.activity_key != activity.key:
            stories.forget_unclaimed(db, workshop.id)
        workshop.activity_key = activity.key
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)


@dataclass
class _Joining:
    """One person joining, as queued for the next batch of joins (group_commit.py)."""

    workshop_id: int
    participant_id: str
    name: str | None
    room_now_seated: bool = False  # theirs was the join that seats the room at tables


def join(rt: Runtime, workshop_id: int, display_name: object = None, *,
         device: str | None = None, address: str | None = None) -> str:
    """Add a participant; the name is optional and anonymous is the default. A join from a
    browser (``device``) or a network (``address``) counts against its allowance of joins.
    People who join at the same moment are committed together (group_commit.py); each
    returns once their own row is durable."""
    name = clean(display_name, "display_name", "Your name", required=False)
    rt.limits.check_join(device, address)
    joining = _Joining(workshop_id, new_participant_id(), name)
    rt.joins.submit(rt.store, joining, _write_joins)
    if joining.room_now_seated:
        rt.broadcaster.workshop_changed(workshop_id)  # every view: the room sits at tables
    else:
        rt.broadcaster.presence_changed(workshop_id)
    return joining.participant_id


def _write_joins(db: Session, batch: list[Queued[_Joining]]) -> None:
    """Add a batch of participants, each at the next free seat of their workshop."""
    seen: dict[int, tuple[bool, str | None, int]] = {}  # exists, seating choice, joined
    rows = []
    for queued in batch:
        joining = queued.item
        if joining.workshop_id not in seen:
            choice = db.execute(_SEATING, {"workshop_id": joining.workshop_id}).first()
            seen[joining.workshop_id] = (
                choice is not None, choice[0] if choice else None,
                db.scalar(_JOINED, {"workshop_id": joining.workshop_id}) or 0)
        exists, choice, joined = seen[joining.workshop_id]
        if not exists:
            queued.refuse(NotFound("This workshop no longer exists."))
            continue
        rows.append({"id": joining.participant_id, "workshop_id": joining.workshop_id,
                     "display_name": joining.name,
                     "table_label": seating.table_for_newcomer(joined)})
        seen[joining.workshop_id] = (exists, choice, joined + 1)
        joining.room_now_seated = seating.grew_to_tables(choice, joined + 1)
    if rows:
        db.execute(_ADD, rows)


# Built once: every join runs them (services/group_commit.py writes a burst of joins at once).
_SEATING = select(Workshop.seating).where(Workshop.id == bindparam("workshop_id"))
_JOINED = (select(func.count()).select_from(Participant)
           .where(Participant.workshop_id == bindparam("workshop_id")))
_ADD = insert(Participant.__table__)


def is_participant(rt: Runtime, workshop_id: int, participant_id: str | None) -> bool:
    """True if this pseudonymous id belongs to someone who joined this workshop."""
    if not participant_id:
        return False
    with rt.store.connection() as connection:
        seat = lookups.seat_of(connection, participant_id)
    return seat is not None and seat[0] == workshop_id


def _locked(db: Session, workshop_id: int) -> Workshop:
    """Load the workshop for an update (row lock on PostgreSQL, write lock on SQLite)."""
    workshop = db.scalar(select(Workshop).where(Workshop.id == workshop_id).with_for_update())
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    return workshop
