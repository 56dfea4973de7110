"""Design: the facilitator offers design areas; people write provocative propositions in them,
linked to a theme or a story, and improve each other's without silent overwrites.

Areas start as the plan's list and become the workshop's own on the first change. Every
propositions activity of a plan works on the same areas and statements, so a second round
refines the first. Each edit names the version it started from; if someone else saved in
between, nothing is overwritten and both texts go back to the person (``EditConflict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import kinds
from ..plans import Activity, Plan
from ..store import Participant, Workshop
from ..store.models import (
    ActivityState,
    DesignArea,
    Proposition,
    PropositionRevision,
    Story,
    Theme,
    utcnow,
)
from ..translation import N_, Term
from . import Runtime, authorship, parts
from .access import Actor, require_facilitator, require_member
from .errors import Conflict, Invalid, NotFound
from .numbers import record_id, whole_number
from .once import client_id_of, open_activity, store_once
from .stories import room_stories
from .text import clean
from .votes import ballot, dots_per_person, tallies, voters


class EditConflict(Conflict):
    """Someone saved a newer version first: theirs is kept, yours comes back to you."""

    def __init__(self, proposition_id: int, theirs: str, version: int, yours: str) -> None:
        super().__init__(N_("Someone else improved this statement while you were editing. "
                            "Their version is saved and shown here; your text is still in the "
                            "box. Combine the two if you like, then save again."))
        self.proposition_id = proposition_id
        self.theirs = theirs
        self.version = version
        self.yours = yours


def design_key(plan: Plan) -> str | None:
    """The first propositions activity: it holds the areas every Design round shares."""
    return next((a.key for a in plan.activities.values() if kinds.of(a) is kinds.PROPOSITIONS), None)


@dataclass(frozen=True)
class PropositionView:
    id: int
    text: str
    version: int
    area_ref: str | None
    theme: str | None
    story: str | None
    author: str | None
    dots: int | None

    @property
    def ref(self) -> str:
        return f"proposition:{self.id}"

    @property
    def improved(self) -> int:
        return self.version - 1


@dataclass(frozen=True)
class AreaView:
    ref: str
    name: str
    propositions: tuple[PropositionView, ...]


@dataclass(frozen=True)
class DesignBoard:
    """Areas with their statements; dots only once revealed."""

    areas: tuple[AreaView, ...]
    unplaced: tuple[PropositionView, ...]
    revealed: bool
    voters: int
    dots_each: int
    themes: tuple[tuple[int, str], ...]
    stories: tuple[tuple[int, str], ...]

    @property
    def propositions(self) -> tuple[PropositionView, ...]:
        return tuple(p for a in self.areas for p in a.propositions) + self.unplaced

    @property
    def ranked(self) -> tuple[PropositionView, ...]:
        return tuple(sorted(self.propositions, key=lambda p: (-(p.dots or 0), p.id)))

    @property
    def most(self) -> int:
        return max((p.dots or 0 for p in self.propositions), default=0)

    def area_name(self, ref: str | None) -> str | None:
        return next((a.name for a in self.areas if a.ref == ref), None)


def _stored_areas(db: Session, workshop_id: int, key: str) -> list[DesignArea]:
    return list(db.scalars(select(DesignArea).where(
        DesignArea.workshop_id == workshop_id, DesignArea.activity_key == key)
        .order_by(DesignArea.position, DesignArea.id)))


def area_choices(db: Session, workshop_id: int, plan: Plan) -> list[tuple[str, str]]:
    """(ref, name) of each area: the workshop's own, or the plan's until the first change."""
    key = design_key(plan)
    if key is None:
        return []
    stored = _stored_areas(db, workshop_id, key)
    if stored:
        return [(f"area:{a.id}", a.name) for a in stored]
    return [(f"plan:{i}", name) for i, name in enumerate(plan.activities[key].design_areas)]


def _materialise(db: Session, workshop_id: int, plan: Plan) -> list[DesignArea]:
    key = design_key(plan)
    if key is None:
        raise Conflict("This plan has no Design activity.")
    stored = _stored_areas(db, workshop_id, key)
    if not stored:
        for position, name in enumerate(plan.activities[key].design_areas):
            db.add(DesignArea(workshop_id=workshop_id, activity_key=key, name=name,
                              position=position))
        db.flush()
        stored = _stored_areas(db, workshop_id, key)
    return stored


def _area(db: Session, workshop_id: int, plan: Plan, ref: object) -> DesignArea:
    kind, _, digits = str(ref or "").partition(":")
    number = whole_number(digits)
    if kind not in ("area", "plan") or number is None:
        raise Invalid("Choose the area your statement is about.")
    stored = _materialise(db, workshop_id, plan)
    if kind == "plan":
        if number >= len(stored):
            raise NotFound("That area is no longer offered. Please choose another.")
        return stored[number]
    area = next((a for a in stored if a.id == number), None)
    if area is None:
        raise NotFound("That area is no longer offered. Your text is still in the box: "
                       "please choose another area.")
    return area


def _author_names(db: Session, plan: Plan, rows: list[Proposition]) -> dict[int, str | None]:
    named = [p for p in rows if p.participant_id and (
        (activity := plan.activity(p.activity_key)) is not None and not activity.anonymous)]
    people = {person.id: person.display_name for person in db.scalars(
        select(Participant).where(Participant.id.in_([p.participant_id for p in named])))}
    return {p.id: people.get(p.participant_id) for p in named}


def design_board(db: Session, workshop: Workshop, plan: Plan, activity: Activity,
                 settings: ActivityState | None) -> DesignBoard:
    """Every visible statement of the workshop by area; totals of this round once revealed."""
    rows = list(db.scalars(select(Proposition).where(
        Proposition.workshop_id == workshop.id, Proposition.hidden.is_(False))
        .order_by(Proposition.id)))
    themes = {t.id: t.name for t in db.scalars(
        select(Theme).where(Theme.workshop_id == workshop.id).order_by(Theme.position, Theme.id))}
    stories = {v.story.id: v.story.headline for v in room_stories(db, workshop.id)}
    counted = tallies(db, workshop.id, activity, settings)
    authors = _author_names(db, plan, rows)
    choices = area_choices(db, workshop.id, plan)
    key_of = {int(ref.split(":")[1]): ref for ref, _name in choices if ref.startswith("area:")}
    views = [PropositionView(
        p.id, p.text, p.version, key_of.get(p.design_area_id) if p.design_area_id else None,
        themes.get(p.theme_id) if p.theme_id else None,
        stories.get(p.story_id) if p.story_id else None, authors.get(p.id),
        None if counted is None else counted.get(p.id, 0)) for p in rows]
    areas = tuple(AreaView(ref, name, tuple(v for v in views if v.area_ref == ref))
                  for ref, name in choices)
    return DesignBoard(areas, tuple(v for v in views if v.area_ref is None),
                       counted is not None, voters(db, workshop.id, activity),
                       dots_per_person(activity, settings), tuple(themes.items()),
                       tuple(stories.items()))


def _writing(db: Session, rt: Runtime, actor: Actor) -> tuple[Workshop, Plan, Activity]:
    """The open propositions activity, or a clear refusal that keeps the person's text."""
    return open_activity(
        db, rt, actor, kinds.PROPOSITIONS,
        moved_on=N_("The room has moved on from Design. Your text is still in the box."),
        locked=N_("The facilitator has closed this activity for changes. Your text is still "
                  "in the box."))


def _optional_link(db: Session, workshop_id: int, table: type[Story | Theme], value: object,
                   what: str) -> int | None:
    if value in (None, "", "none"):
        return None
    number = whole_number(value)
    if number is None:
        raise Invalid("Choose a %(what)s from the list, or none.", what=Term(what))
    row = db.get(table, number)
    if row is None or row.workshop_id != workshop_id or getattr(row, "hidden", False):
        raise NotFound("That %(what)s is no longer there. Your text is still in the box.",
                       what=Term(what))
    if table is Story and row.sharing not in ("room", "report"):
        raise NotFound("That story is not shared with the room.")
    return row.id


def add_proposition(rt: Runtime, actor: Actor, form: Mapping[str, object]) -> Proposition:
    """A new statement in an area, optionally grounded in a theme and a story; the same form
    sent again is stored once."""
    require_member(actor)
    client_id = client_id_of(form.get("client_id"))
    text = clean(form.get("text"), "proposition", "Your statement", multiline=True)

    def write(db: Session) -> Proposition:
        workshop, plan, activity = _writing(db, rt, actor)
        area = _area(db, workshop.id, plan, form.get("area"))
        proposition = Proposition(
            workshop_id=workshop.id, activity_key=activity.key, design_area_id=area.id,
            theme_id=_optional_link(db, workshop.id, Theme, form.get("theme"), "theme"),
            story_id=_optional_link(db, workshop.id, Story, form.get("story"), "story"),
            text=text, version=1,
            participant_id=None if activity.anonymous else actor.participant_id,
            owner_tag=authorship.seal(actor.author_key), hidden=False, client_id=client_id)
        db.add(proposition)
        db.flush()
        authorship.count(db, workshop.id, activity.key, actor.participant_id, +1)
        db.add(PropositionRevision(proposition_id=proposition.id, version=1, text=text))
        return proposition

    proposition, created = store_once(rt, actor, Proposition, client_id, write)
    if created:
        rt.broadcaster.board_changed(actor.workshop_id)
    return proposition


def improve_proposition(rt: Runtime, actor: Actor, proposition_id: object, text: object,
                        version: object) -> Proposition:
    """Save a better wording, only if nobody saved another since ``version``."""
    require_member(actor)
    new_text = clean(text, "proposition", "The statement", multiline=True)
    started_from = whole_number(version)
    if started_from is None:
        raise Invalid("The form was malformed; please reload the page and try again.")
    rt.limits.check_sharing(actor)
    with rt.store.transaction() as db:
        _writing(db, rt, actor)
        proposition = get_proposition(db, actor.workshop_id, proposition_id)
        if new_text == proposition.text:
            return proposition
        # Compare-and-set: the update only happens if the version is still the one the
        # person started from, so two saves at the same moment cannot both win.
        changed = db.execute(update(Proposition).where(
            Proposition.id == proposition.id, Proposition.version == started_from)
            .values(text=new_text, version=started_from + 1, updated_at=utcnow())).rowcount
        if not changed:
            db.refresh(proposition)
            raise EditConflict(proposition.id, proposition.text, proposition.version, new_text)
        db.add(PropositionRevision(proposition_id=proposition.id, version=started_from + 1,
                                   text=new_text))
        db.refresh(proposition)
    rt.broadcaster.board_changed(actor.workshop_id)
    return proposition


def get_proposition(db: Session, workshop_id: int, proposition_id: object) -> Proposition:
    """A visible statement of this workshop, or NotFound."""
    proposition = db.get(Proposition, record_id(proposition_id))
    if proposition is None or proposition.workshop_id != workshop_id or proposition.hidden:
        raise NotFound("That statement is no longer there.")
    return proposition


def for_editing(rt: Runtime, actor: Actor, proposition_id: object) -> Proposition:
    """The current text and version, to start an improvement from."""
    require_member(actor)
    with rt.store.reading() as db:
        return get_proposition(db, actor.workshop_id, proposition_id)


def add_area(rt: Runtime, actor: Actor, name: object) -> None:
    """The facilitator offers another design area."""
    require_facilitator(actor)
    name = clean(name, "area_name", "The area's name")
    with rt.store.transaction() as db:
        workshop = db.get(Workshop, actor.workshop_id)
        plan = rt.plan_for(workshop.plan_name)
        stored = _materialise(db, workshop.id, plan)
        if any(a.name.lower() == name.lower() for a in stored):
            raise Invalid("There is already an area called “%(name)s”.", name=name)
        position = (db.scalar(select(func.max(DesignArea.position)).where(
            DesignArea.workshop_id == workshop.id)) or 0) + 1
        db.add(DesignArea(workshop_id=workshop.id, activity_key=design_key(plan), name=name,
                          position=position))
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)


def rename_area(rt: Runtime, actor: Actor, ref: object, name: object) -> None:
    require_facilitator(actor)
    name = clean(name, "area_name", "The area's name")
    with rt.store.transaction() as db:
        workshop = db.get(Workshop, actor.workshop_id)
        _area(db, workshop.id, rt.plan_for(workshop.plan_name), ref).name = name
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)


def remove_area(rt: Runtime, actor: Actor, ref: object) -> None:
    """Stop offering an area; its statements stay, listed as 'other statements'."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        workshop = db.get(Workshop, actor.workshop_id)
        plan = rt.plan_for(workshop.plan_name)
        area = _area(db, workshop.id, plan, ref)
        if len(_stored_areas(db, workshop.id, area.activity_key)) == 1:
            raise Invalid("Keep at least one area. You can rename this one instead.")
        db.execute(update(Proposition).where(Proposition.design_area_id == area.id)
                   .values(design_area_id=None))
        db.delete(area)
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)


@parts.room(kinds.PROPOSITIONS)
def _statements_in_room(db: Session, workshop: Workshop, plan: Plan, activity: Activity,
                        settings: ActivityState | None) -> dict[str, Any]:
    """The Design board; what counts is how many people wrote a statement."""
    return {"design": design_board(db, workshop, plan, activity, settings),
            "counted": authorship.people(db, workshop.id, activity.key)}


@parts.facilitator(kinds.PROPOSITIONS)
def _statements_for_the_facilitator(db: Session, room: Any) -> dict[str, Any]:
    """Hidden statements to restore, and every saved wording of each, oldest first."""
    workshop_id = room.workshop.id
    hidden = [(f"proposition:{p.id}", p.text) for p in db.scalars(select(Proposition).where(
        Proposition.workshop_id == workshop_id, Proposition.hidden.is_(True))
        .order_by(Proposition.id))]
    history: dict[int, list[str]] = {}
    for revision in db.scalars(select(PropositionRevision)
                               .join(Proposition, Proposition.id == PropositionRevision.proposition_id)
                               .where(Proposition.workshop_id == workshop_id)
                               .order_by(PropositionRevision.version)):
        history.setdefault(revision.proposition_id, []).append(revision.text)
    return {"hidden_items": hidden, "revisions": history}


@parts.mine(kinds.PROPOSITIONS)
def _my_dots_on_statements(db: Session, room: Any, me: Actor) -> dict[str, Any]:
    """My dots, and which statements are mine (marked "yours" only on my screen)."""
    workshop_id, activity = room.workshop.id, room.activity
    rows = db.execute(select(Proposition.id, Proposition.owner_tag).where(
        Proposition.workshop_id == workshop_id))
    settings = db.get(ActivityState, (workshop_id, activity.key))
    return {"ballot": ballot(db, workshop_id, activity, me, settings),
            "mine": frozenset(f"proposition:{row.id}" for row in authorship.own(
                rows, me.author_key))}
