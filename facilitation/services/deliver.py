"""Deliver: people choose what they will do. Commitments (what, who, by when, a first step
within a week, support needed, how we will know), action teams joined by choice, and the date
the room meets again to review.

Names are always optional. In an anonymous activity no name is asked for or shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import kinds
from ..plans import Activity, Plan
from ..store import Participant, Workshop
from ..store.models import (
    ActionTeam,
    ActionTeamMember,
    ActivityState,
    Commitment,
    Proposition,
)
from ..translation import N_, Term, say_day
from . import Runtime, parts
from .access import Actor, require_facilitator, require_member
from .errors import Forbidden, Invalid, NotFound
from .numbers import record_id, whole_number
from .once import client_id_of, open_activity, store_once
from .text import clean

FIRST_STEP_DAYS = 7
KINDS = {"personal": N_("A personal pledge"), "team": N_("A team action")}


def parse_day(value: object, label: str) -> date:
    """A date from a form (the browser sends 2026-07-31); a clear message otherwise."""
    text = str(value or "").strip()
    if not text:
        raise Invalid("Please give a date for “%(label)s”.", label=Term(label))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("“%(label)s” is not a date we can read. Please pick one from the "
                      "calendar, for example 31/07/2026.", label=Term(label)) from None


@dataclass(frozen=True)
class CommitmentView:
    """A commitment as the room sees it: the owner only when named and the activity is not
    anonymous."""

    id: int
    kind: str
    what: str
    owner: str | None
    helpers: str | None
    due: date
    first_step: str
    first_step_due: date
    support_needed: str | None
    how_we_know: str | None
    proposition: str | None


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    purpose: str | None
    proposition: str | None
    members: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class DeliverBoard:
    commitments: tuple[CommitmentView, ...]
    teams: tuple[TeamView, ...]
    next_review: date | None
    propositions: tuple[tuple[int, str], ...]


def _is_anonymous(plan: Plan, key: str) -> bool:
    activity = plan.activity(key)
    return activity.anonymous if activity else True


def deliver_board(db: Session, workshop: Workshop, plan: Plan,
                  activity: Activity | None = None) -> DeliverBoard:
    """Everything the room has committed to so far, across the Deliver activities."""
    propositions = {p.id: p.text for p in db.scalars(select(Proposition).where(
        Proposition.workshop_id == workshop.id, Proposition.hidden.is_(False))
        .order_by(Proposition.id))}
    commitments = []
    for c in db.scalars(select(Commitment).where(Commitment.workshop_id == workshop.id,
                                                 Commitment.hidden.is_(False))
                        .order_by(Commitment.id)):
        anonymous = _is_anonymous(plan, c.activity_key)
        commitments.append(CommitmentView(
            c.id, c.kind, c.what, None if anonymous else c.owner_name, c.helpers, c.due_date,
            c.first_step, c.first_step_due, c.support_needed, c.how_we_know,
            propositions.get(c.proposition_id) if c.proposition_id else None))
    names_shown = activity is not None and not activity.anonymous
    teams = []
    for team in db.scalars(select(ActionTeam).where(ActionTeam.workshop_id == workshop.id)
                           .order_by(ActionTeam.id)):
        members = list(db.scalars(select(ActionTeamMember)
                                  .where(ActionTeamMember.team_id == team.id)))
        names = tuple(sorted(m.display_name for m in members if m.display_name)) \
            if names_shown else ()
        teams.append(TeamView(team.id, team.name, team.purpose,
                              propositions.get(team.proposition_id) if team.proposition_id
                              else None, len(members), names))
    return DeliverBoard(tuple(commitments), tuple(teams), workshop.next_review_date,
                        tuple(propositions.items()))


def _open(db: Session, rt: Runtime, actor: Actor) -> tuple[Workshop, Plan, Activity]:
    return open_activity(
        db, rt, actor, kinds.COMMITMENTS,
        moved_on=N_("The room is not making commitments right now. What you wrote is still in "
                    "the form."),
        locked=N_("The facilitator has closed this activity. What you wrote is still in the "
                  "form."))


def _proposition(db: Session, workshop_id: int, value: object) -> int | None:
    if value in (None, "", "none"):
        return None
    number = whole_number(value)
    if number is None:
        raise Invalid("Choose a statement from the list, or none.")
    row = db.get(Proposition, number)
    if row is None or row.workshop_id != workshop_id or row.hidden:
        raise NotFound("That statement is no longer there. Please choose another, or none.")
    return row.id


def commitment_fields(form: Mapping[str, object], today: date,
                      anonymous: bool) -> dict[str, object]:
    """Check every field of a commitment, with a message that says how to put it right."""
    kind = str(form.get("kind") or "personal")
    if kind not in KINDS:
        raise Invalid("Choose whether this is a personal pledge or a team action.")
    what = clean(form.get("what"), "commitment", "What you will do", multiline=True)
    due = parse_day(form.get("due_date"), "By when")
    if due < today:
        raise Invalid("“By when” is %(day)s, which has passed. Please choose today or "
                      "a later date.", day=say_day(due))
    first_step = clean(form.get("first_step"), "commitment", "Your first step", multiline=True)
    step_due = parse_day(form.get("first_step_due"), "First step by")
    last = today + timedelta(days=FIRST_STEP_DAYS)
    if not today <= step_due <= last:
        raise Invalid("The first step works best within a week: choose a date from today to "
                      "%(day)s.", day=say_day(last))
    if step_due > due:
        raise Invalid("The first step comes after the “by when” date. Please move one of "
                      "the two dates.")
    return {
        "kind": kind,
        "what": what,
        "owner_name": None if anonymous else clean(form.get("owner_name"), "owner_name",
                                                   "Who", required=False),
        "helpers": clean(form.get("helpers"), "helpers", "Who could help", required=False),
        "due_date": due,
        "first_step": first_step,
        "first_step_due": step_due,
        "support_needed": clean(form.get("support_needed"), "commitment", "Support needed",
                                required=False, multiline=True),
        "how_we_know": clean(form.get("how_we_know"), "commitment", "How we will know",
                             required=False, multiline=True),
    }


def add_commitment(rt: Runtime, actor: Actor, form: Mapping[str, object],
                   today: date | None = None) -> Commitment:
    """Record one commitment, once per form (its client id)."""
    require_member(actor)
    client_id = client_id_of(form.get("client_id"))

    def write(db: Session) -> Commitment:
        workshop, _plan, activity = _open(db, rt, actor)
        fields = commitment_fields(form, today or date.today(), activity.anonymous)
        commitment = Commitment(
            workshop_id=workshop.id, activity_key=activity.key,
            proposition_id=_proposition(db, workshop.id, form.get("proposition")),
            participant_id=actor.participant_id, hidden=False, client_id=client_id, **fields)
        db.add(commitment)
        return commitment

    commitment, created = store_once(rt, actor, Commitment, client_id, write)
    if created:
        rt.broadcaster.board_changed(actor.workshop_id)
    return commitment


def withdraw_commitment(rt: Runtime, actor: Actor, commitment_id: object) -> None:
    """A person takes back a commitment they made."""
    require_member(actor)
    with rt.store.transaction() as db:
        commitment = db.get(Commitment, record_id(commitment_id))
        if commitment is None or commitment.workshop_id != actor.workshop_id:
            raise NotFound("That commitment is no longer there.")
        if commitment.participant_id != actor.participant_id or actor.participant_id is None:
            raise Forbidden("Only the person who made a commitment can take it back.")
        db.delete(commitment)
    rt.broadcaster.board_changed(actor.workshop_id)


def my_commitments(db: Session, workshop_id: int, participant_id: str) -> list[Commitment]:
    return list(db.scalars(select(Commitment).where(
        Commitment.workshop_id == workshop_id, Commitment.participant_id == participant_id,
        Commitment.hidden.is_(False)).order_by(Commitment.id)))


def start_team(rt: Runtime, actor: Actor, form: Mapping[str, object]) -> ActionTeam:
    """Start an action team around a statement; a participant who starts one is in it."""
    require_member(actor)
    name = clean(form.get("name"), "team_name", "The team's name")
    purpose = clean(form.get("purpose"), "commitment", "What the team is for", required=False,
                    multiline=True)
    rt.limits.check_sharing(actor)
    with rt.store.transaction() as db:
        workshop, _plan, activity = _open(db, rt, actor)
        taken = db.scalar(select(ActionTeam.id).where(ActionTeam.workshop_id == workshop.id,
                                                      ActionTeam.name == name))
        if taken is not None:
            raise Invalid("There is already a team called “%(name)s”. Join it, or choose "
                          "another name.", name=name)
        team = ActionTeam(workshop_id=workshop.id, name=name, purpose=purpose,
                          proposition_id=_proposition(db, workshop.id, form.get("proposition")))
        db.add(team)
        db.flush()
        if actor.is_participant:
            _join(db, team, actor, activity, form.get("show_name") == "yes")
    rt.broadcaster.board_changed(actor.workshop_id)
    return team


def _join(db: Session, team: ActionTeam, actor: Actor, activity: Activity,
          show_name: bool) -> None:
    name = None
    if show_name and not activity.anonymous:
        person = db.get(Participant, actor.participant_id)
        name = person.display_name if person else None
    member = db.get(ActionTeamMember, (team.id, actor.participant_id))
    if member is None:
        db.add(ActionTeamMember(team_id=team.id, participant_id=actor.participant_id,
                                display_name=name))
    else:
        member.display_name = name


def _team(db: Session, workshop_id: int, team_id: object) -> ActionTeam:
    team = db.get(ActionTeam, record_id(team_id))
    if team is None or team.workshop_id != workshop_id:
        raise NotFound("That action team is no longer there.")
    return team


def join_team(rt: Runtime, actor: Actor, team_id: object, show_name: bool) -> None:
    """Sign up to an action team, by choice; the name shows only if the person wants."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("Participants join action teams on their own phones.")
    with rt.store.transaction() as db:
        _workshop, _plan, activity = _open(db, rt, actor)
        _join(db, _team(db, actor.workshop_id, team_id), actor, activity, show_name)
    rt.broadcaster.board_changed(actor.workshop_id)


def leave_team(rt: Runtime, actor: Actor, team_id: object) -> None:
    require_member(actor)
    with rt.store.transaction() as db:
        team = _team(db, actor.workshop_id, team_id)
        db.execute(delete(ActionTeamMember).where(
            ActionTeamMember.team_id == team.id,
            ActionTeamMember.participant_id == actor.participant_id))
    rt.broadcaster.board_changed(actor.workshop_id)


def my_teams(db: Session, workshop_id: int, participant_id: str) -> frozenset[int]:
    return frozenset(db.scalars(select(ActionTeamMember.team_id)
                                .join(ActionTeam, ActionTeam.id == ActionTeamMember.team_id)
                                .where(ActionTeam.workshop_id == workshop_id,
                                       ActionTeamMember.participant_id == participant_id)))


def remove_team(rt: Runtime, actor: Actor, team_id: object) -> None:
    """The facilitator removes a team (its sign-ups go with it)."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        db.delete(_team(db, actor.workshop_id, team_id))
    rt.broadcaster.board_changed(actor.workshop_id)


def set_next_review(rt: Runtime, actor: Actor, value: object,
                    today: date | None = None) -> date | None:
    """The facilitator sets (or clears) the date the room meets again to review progress."""
    require_facilitator(actor)
    day = None
    if str(value or "").strip():
        day = parse_day(value, "Next review")
        if day < (today or date.today()):
            raise Invalid("%(day)s has passed. Please choose a date from today on.", day=say_day(day))
    with rt.store.transaction() as db:
        workshop = db.get(Workshop, actor.workshop_id)
        workshop.next_review_date = day
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)
    return day


@parts.room(kinds.COMMITMENTS)
def _commitments_in_room(db: Session, workshop: Workshop, plan: Plan, activity: Activity,
                         _settings: ActivityState | None) -> dict[str, Any]:
    """The Deliver board; what counts is how many people made a commitment."""
    return {"deliver": deliver_board(db, workshop, plan, activity),
            "counted": db.scalar(select(func.count(func.distinct(Commitment.participant_id)))
                                 .where(Commitment.workshop_id == workshop.id,
                                        Commitment.activity_key == activity.key)) or 0}


@parts.facilitator(kinds.COMMITMENTS)
def _commitments_for_the_facilitator(db: Session, room: Any) -> dict[str, Any]:
    """Hidden commitments, for the facilitator to restore."""
    return {"hidden_items": [(f"commitment:{c.id}", c.what) for c in db.scalars(
        select(Commitment).where(Commitment.workshop_id == room.workshop.id,
                                 Commitment.hidden.is_(True)).order_by(Commitment.id))]}


@parts.mine(kinds.COMMITMENTS)
def _my_commitments_and_teams(db: Session, room: Any, me: Actor) -> dict[str, Any]:
    """Commitments and teams are named by nature (an owner, a team list), so found by id."""
    participant_id = me.participant_id or ""
    person = db.get(Participant, participant_id)
    return {"my_commitments": my_commitments(db, room.workshop.id, participant_id),
            "my_teams": my_teams(db, room.workshop.id, participant_id),
            "my_name": person.display_name if person else None}
