"""Pairs for the appreciative interview: formed at random from the people present (a trio
when numbers are odd), late joiners placed, self-chosen pairs by a short code, re-pairing.

Groups are numbered and sit at tables of up to four pairs, so people find each other by
number, not by name: the room stays anonymous. In a room seated at tables (services.seating)
pairs are formed within each table, and a late joiner is paired at their own table first.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import kinds
from ..store import Participant, Workshop
from ..store.models import PairGroup, PairMember
from ..translation import translate
from . import Runtime, seating
from .access import Actor, require_facilitator, require_member
from .errors import Conflict, Forbidden, Invalid, NotFound
from .presence import present_ids

PAIRS_PER_TABLE = 4
_random = random.SystemRandom()


@dataclass(frozen=True)
class Member:
    participant_id: str
    name: str | None
    position: int


@dataclass(frozen=True)
class Group:
    id: int
    number: int
    table_label: str | None
    turn: int
    join_code: str | None
    members: tuple[Member, ...]

    @property
    def table(self) -> str:
        """'Table 2', in the reader's language (the stored label is the English one: a seated
        room's table, or one table for every four pairs)."""
        seat = (self.table_label or "").removeprefix("Table ")
        return translate("Table %(number)s",
                         number=seat or (self.number - 1) // PAIRS_PER_TABLE + 1)

    def interviewer_of(self, position: int) -> Member | None:
        """Who interviews the member at ``position`` (the one before them, round the group)."""
        if len(self.members) < 2:
            return None
        return self.members[(position - 1) % len(self.members)]

    def interviewee_of(self, position: int) -> Member | None:
        """Whom the member at ``position`` interviews and whose story they capture."""
        if len(self.members) < 2:
            return None
        return self.members[(position + 1) % len(self.members)]

    @property
    def asking_now(self) -> Member | None:
        return self.members[self.turn % len(self.members)] if len(self.members) >= 2 else None

    @property
    def telling_now(self) -> Member | None:
        return self.interviewee_of(self.turn % len(self.members)) if self.asking_now else None


@dataclass(frozen=True)
class MyPair:
    """One participant's view of their interview group."""

    group: Group
    me: Member

    @property
    def partner_to_interview(self) -> Member | None:
        return self.group.interviewee_of(self.me.position)

    @property
    def my_interviewer(self) -> Member | None:
        return self.group.interviewer_of(self.me.position)


def _interview_key(db: Session, rt: Runtime, workshop_id: int) -> str:
    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    activity = rt.plan_for(workshop.plan_name).activity(workshop.activity_key)
    if activity is None or not (kind := kinds.of(activity)) or not kind.interviews:
        raise Conflict("Pairs are made during an interview activity.")
    return activity.key


def interviewing(rt: Runtime, workshop: Workshop) -> bool:
    """True while ``workshop`` (as just read) is on an interview activity, the only time a
    newcomer may need a pair: asked of every phone that connects, so no database here."""
    activity = rt.plan_for(workshop.plan_name).activity(workshop.activity_key)
    kind = kinds.of(activity) if activity is not None else None
    return bool(kind and kind.interviews)


def current_round(db: Session, workshop_id: int, activity_key: str) -> int:
    return db.scalar(select(func.max(PairGroup.round)).where(
        PairGroup.workshop_id == workshop_id, PairGroup.activity_key == activity_key)) or 0


def groups_of_round(db: Session, workshop_id: int, activity_key: str,
                    round_: int) -> list[Group]:
    """Every group of one round, with members in interview order."""
    rows = db.execute(
        select(PairGroup, PairMember, Participant.display_name)
        .join(PairMember, PairMember.group_id == PairGroup.id)
        .join(Participant, Participant.id == PairMember.participant_id)
        .where(PairGroup.workshop_id == workshop_id, PairGroup.activity_key == activity_key,
               PairGroup.round == round_)
        .order_by(PairGroup.number, PairMember.position)).all()
    grouped: dict[int, tuple[PairGroup, list[Member]]] = {}
    for group, member, name in rows:
        grouped.setdefault(group.id, (group, []))[1].append(
            Member(member.participant_id, name, member.position))
    return [Group(g.id, g.number, g.table_label, g.turn, g.join_code, tuple(ms))
            for g, ms in grouped.values()]


def _past_partners(db: Session, workshop_id: int, activity_key: str) -> set[frozenset[str]]:
    rows = db.execute(select(PairMember.group_id, PairMember.participant_id)
                      .join(PairGroup, PairGroup.id == PairMember.group_id)
                      .where(PairGroup.workshop_id == workshop_id,
                             PairGroup.activity_key == activity_key)).all()
    members: dict[int, list[str]] = {}
    for group_id, participant_id in rows:
        members.setdefault(group_id, []).append(participant_id)
    return {frozenset((a, b)) for ids in members.values() for a in ids for b in ids if a < b}


def split_into_groups(people: Sequence[str], avoid: set[frozenset[str]],
                      attempts: int = 60) -> list[list[str]]:
    """Random pairs, the last a trio when the number is odd; prefers partners not met before."""
    people = list(people)
    if len(people) < 2:
        return [people] if people else []
    best: list[list[str]] | None = None
    best_repeats = None
    for _ in range(attempts):
        _random.shuffle(people)
        groups = [people[i:i + 2] for i in range(0, len(people) - len(people) % 2, 2)]
        if len(people) % 2:
            groups[-1] = groups[-1] + [people[-1]]
        repeats = sum(1 for g in groups for a in g for b in g if a < b and frozenset((a, b)) in avoid)
        if best_repeats is None or repeats < best_repeats:
            best, best_repeats = [list(g) for g in groups], repeats
        if repeats == 0:
            break
    return best or []


def _table_label(number: int) -> str:
    return f"Table {(number - 1) // PAIRS_PER_TABLE + 1}"


def _seat_label(table: str) -> str:
    """A seated room's table, named as the pairs list names tables."""
    return f"Table {table}"


def _tables_of(db: Session, workshop_id: int, people: Sequence[str]) -> dict[str, str] | None:
    """Each person's table when the room sits at tables, else None."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None or not seating.is_seated(db, workshop):
        return None
    rows = db.execute(select(Participant.id, Participant.table_label)
                      .where(Participant.workshop_id == workshop_id)).all()
    wanted = set(people)
    return {pid: table for pid, table in rows if pid in wanted and table is not None}


def split_by_table(people: Sequence[str], tables: dict[str, str],
                   avoid: set[frozenset[str]]) -> list[tuple[str | None, list[str]]]:
    """Pairs within each table; people alone at their table are paired with each other (a
    single one joins the last group as its third). Returns (table, members) per group."""
    at: dict[str | None, list[str]] = {}
    for person in people:
        at.setdefault(tables.get(person), []).append(person)
    groups: list[tuple[str | None, list[str]]] = []
    alone: list[str] = []
    for table, members in at.items():
        if len(members) < 2 or table is None:
            alone.extend(members)
            continue
        groups.extend((table, group) for group in split_into_groups(members, avoid))
    if len(alone) == 1 and groups:
        groups[-1][1].append(alone[0])
    elif alone:
        groups.extend((None, group) for group in split_into_groups(alone, avoid))
    return groups


def _add_group(db: Session, workshop_id: int, activity_key: str, round_: int, number: int,
               members: Sequence[str], join_code: str | None = None,
               table: str | None = None) -> PairGroup:
    group = PairGroup(workshop_id=workshop_id, activity_key=activity_key, round=round_,
                      number=number,
                      table_label=_seat_label(table) if table else _table_label(number), turn=0,
                      join_code=join_code)
    db.add(group)
    db.flush()
    for position, participant_id in enumerate(members):
        db.add(PairMember(group_id=group.id, participant_id=participant_id, position=position))
    return group


def form_pairs(rt: Runtime, actor: Actor) -> int:
    """Facilitator: pair everyone present at random (a new round each time). Returns groups."""
    require_facilitator(actor)
    present = present_ids(rt, actor.workshop_id)
    if len(present) < 2:
        raise Conflict("At least two people need to be connected to form pairs.")
    with rt.store.transaction() as db:
        key = _interview_key(db, rt, actor.workshop_id)
        round_ = current_round(db, actor.workshop_id, key) + 1
        avoid = _past_partners(db, actor.workshop_id, key)
        tables = _tables_of(db, actor.workshop_id, present)
        groups = (split_by_table(present, tables, avoid) if tables is not None
                  else [(None, members) for members in split_into_groups(present, avoid)])
        for number, (table, members) in enumerate(groups, start=1):
            _add_group(db, actor.workshop_id, key, round_, number, members, table=table)
    rt.broadcaster.pairs_changed(actor.workshop_id, None)
    return len(groups)


def _group_of(db: Session, workshop_id: int, activity_key: str, round_: int,
              participant_id: str) -> PairGroup | None:
    return db.scalar(select(PairGroup).join(PairMember, PairMember.group_id == PairGroup.id)
                     .where(PairGroup.workshop_id == workshop_id,
                            PairGroup.activity_key == activity_key, PairGroup.round == round_,
                            PairMember.participant_id == participant_id))


def _sizes(db: Session, workshop_id: int, activity_key: str, round_: int) -> list[tuple[int, int]]:
    return list(db.execute(
        select(PairGroup.id, func.count(PairMember.participant_id))
        .join(PairMember, PairMember.group_id == PairGroup.id, isouter=True)
        .where(PairGroup.workshop_id == workshop_id, PairGroup.activity_key == activity_key,
               PairGroup.round == round_)
        .group_by(PairGroup.id).order_by(PairGroup.number)).all())


def _member_ids(db: Session, group_id: int) -> list[str]:
    return list(db.scalars(select(PairMember.participant_id)
                           .where(PairMember.group_id == group_id)
                           .order_by(PairMember.position)))


def place_late_joiner(rt: Runtime, workshop_id: int, participant_id: str) -> None:
    """Someone arrived after pairs were made: pair them with a waiting person, else make a
    pair into a trio, else let them wait for the next arrival."""
    with rt.store.transaction() as db:
        try:
            key = _interview_key(db, rt, workshop_id)
        except Conflict:
            return
        round_ = current_round(db, workshop_id, key)
        if round_ == 0 or _group_of(db, workshop_id, key, round_, participant_id):
            return
        sizes = [(gid, n) for gid, n in _sizes(db, workshop_id, key, round_) if n > 0]
        tables = _tables_of(db, workshop_id, [participant_id])
        table = tables.get(participant_id) if tables else None
        if table is not None:  # seated: a waiting person or a pair at my own table first
            mine = set(db.scalars(select(PairGroup.id).where(
                PairGroup.workshop_id == workshop_id, PairGroup.activity_key == key,
                PairGroup.round == round_, PairGroup.table_label == _seat_label(table))))
            sizes = sorted(sizes, key=lambda size: size[0] not in mine)
        target = next((gid for gid, n in sizes if n == 1), None) or next(
            (gid for gid, n in sizes if n == 2), None)
        if target is None:
            number = (db.scalar(select(func.max(PairGroup.number)).where(
                PairGroup.workshop_id == workshop_id, PairGroup.activity_key == key,
                PairGroup.round == round_)) or 0) + 1
            _add_group(db, workshop_id, key, round_, number, [participant_id], table=table)
            affected = [participant_id]
        else:
            affected = _member_ids(db, target)
            db.add(PairMember(group_id=target, participant_id=participant_id,
                              position=len(affected)))
            affected.append(participant_id)
    rt.broadcaster.pairs_changed(workshop_id, affected)


def _leave(db: Session, group: PairGroup, participant_id: str) -> list[str]:
    """Take someone out of their group; returns who is left there (they need telling)."""
    db.execute(delete(PairMember).where(PairMember.group_id == group.id,
                                        PairMember.participant_id == participant_id))
    left = _member_ids(db, group.id)
    for position, member_id in enumerate(left):
        db.execute(PairMember.__table__.update()
                   .where(PairMember.group_id == group.id,
                          PairMember.participant_id == member_id)
                   .values(position=position))
    if not left:
        db.delete(group)
    return left


def offer_pair_code(rt: Runtime, actor: Actor) -> str:
    """A participant asks for a code to read to the colleague they want to pair with."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("Only participants take part in pairs.")
    with rt.store.transaction() as db:
        key = _interview_key(db, rt, actor.workshop_id)
        round_ = max(current_round(db, actor.workshop_id, key), 1)
        existing = _group_of(db, actor.workshop_id, key, round_, actor.participant_id)
        if existing is not None and existing.join_code and len(_member_ids(db, existing.id)) == 1:
            return existing.join_code
        affected = _leave(db, existing, actor.participant_id) if existing else []
        taken = set(db.scalars(select(PairGroup.join_code).where(
            PairGroup.workshop_id == actor.workshop_id, PairGroup.activity_key == key,
            PairGroup.round == round_, PairGroup.join_code.is_not(None))))
        code = next(c for c in (f"{secrets.randbelow(10000):04d}" for _ in range(1000))
                    if c not in taken)
        number = (db.scalar(select(func.max(PairGroup.number)).where(
            PairGroup.workshop_id == actor.workshop_id, PairGroup.activity_key == key,
            PairGroup.round == round_)) or 0) + 1
        _add_group(db, actor.workshop_id, key, round_, number, [actor.participant_id], code)
    rt.broadcaster.pairs_changed(actor.workshop_id, [actor.participant_id, *affected])
    return code


def pair_by_code(rt: Runtime, actor: Actor, code: object) -> None:
    """Join the colleague who read out their pair code."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("Only participants take part in pairs.")
    digits = "".join(ch for ch in str(code or "") if ch.isdigit())
    if len(digits) != 4:
        raise Invalid("A pair code has four digits.")
    with rt.store.transaction() as db:
        key = _interview_key(db, rt, actor.workshop_id)
        round_ = max(current_round(db, actor.workshop_id, key), 1)
        target = db.scalar(select(PairGroup).where(
            PairGroup.workshop_id == actor.workshop_id, PairGroup.activity_key == key,
            PairGroup.round == round_, PairGroup.join_code == digits))
        if target is None:
            raise NotFound("No one is waiting with that pair code. Check it with your colleague.")
        members = _member_ids(db, target.id)
        if actor.participant_id in members:
            raise Invalid("That is your own pair code: read it to your colleague instead.")
        if len(members) >= 2:
            raise Conflict("That pair is already complete.")
        current = _group_of(db, actor.workshop_id, key, round_, actor.participant_id)
        affected = _leave(db, current, actor.participant_id) if current else []
        db.add(PairMember(group_id=target.id, participant_id=actor.participant_id,
                          position=len(members)))
        target.join_code = None
        affected += [*members, actor.participant_id]
    rt.broadcaster.pairs_changed(actor.workshop_id, affected)


def swap_turn(rt: Runtime, actor: Actor) -> None:
    """Either partner moves their group on to the next person's turn to ask."""
    require_member(actor)
    with rt.store.transaction() as db:
        key = _interview_key(db, rt, actor.workshop_id)
        group = _group_of(db, actor.workshop_id, key, current_round(db, actor.workshop_id, key),
                          actor.participant_id or "")
        if group is None:
            raise Conflict("You are not in a pair yet.")
        members = _member_ids(db, group.id)
        if len(members) < 2:
            raise Conflict("Your partner has not arrived yet.")
        group.turn = (group.turn + 1) % len(members)
    rt.broadcaster.pairs_changed(actor.workshop_id, members)


def my_pair(db: Session, workshop_id: int, activity_key: str, participant_id: str) -> MyPair | None:
    """This person's group in the latest round, if they have one."""
    round_ = current_round(db, workshop_id, activity_key)
    if not round_:
        return None
    group = _group_of(db, workshop_id, activity_key, round_, participant_id)
    if group is None:
        return None
    full = next(g for g in groups_of_round(db, workshop_id, activity_key, round_)
                if g.id == group.id)
    me = next(m for m in full.members if m.participant_id == participant_id)
    return MyPair(full, me)
