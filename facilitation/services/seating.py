"""Big rooms: a summit sits at tables of about eight.

Every participant gets a table when they join (the next table with a free seat, in order of
arrival), so nothing has to be reshuffled when the room grows. From ``AUTO_FROM`` people on,
or when the facilitator chooses it, each phone's wall shows its own table's cards, and the
control page and projector show a plenary that aggregates (cards per table) and pages (the
latest cards first), so one push to a thousand phones never carries a thousand cards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from .. import cycle
from ..store import Contribution, Participant, Workshop
from . import Runtime
from . import workshops as workshop_service
from .access import Actor, require_facilitator
from .errors import Invalid, NotFound

if TYPE_CHECKING:
    from .workshops import RoomState

TABLE_SIZE = 8
AUTO_FROM = 40  # five tables' worth: beyond this one shared wall stops being readable
PLENARY_PAGE = 24
CHOICES = {"auto": None, "tables": "tables", "room": "room"}


@dataclass(frozen=True)
class TableCount:
    label: str
    people: int
    cards: int


@dataclass(frozen=True)
class Plenary:
    """The whole room at a glance: one page of the latest cards and every table's tally."""

    cards: list[Contribution]
    total: int
    page: int
    pages: int
    tables: list[TableCount]


def table_for_newcomer(db, workshop_id: int) -> str:  # noqa: ANN001 - SQLAlchemy session
    """The table the next person to join sits at: the first one not yet full."""
    joined = db.scalar(select(func.count()).select_from(Participant)
                       .where(Participant.workshop_id == workshop_id)) or 0
    return str(joined // TABLE_SIZE + 1)


def uses_tables(seating: str | None, joined: int) -> bool:
    """Tables by the facilitator's choice, or automatically once the room is big."""
    if seating in ("tables", "room"):
        return seating == "tables"
    return joined >= AUTO_FROM


def choose(rt: Runtime, actor: Actor, choice: str) -> None:
    """The facilitator seats the room at tables, as one room, or leaves it automatic."""
    require_facilitator(actor)
    if choice not in CHOICES:
        raise Invalid("Choose automatic, tables or one room.")
    with rt.store.transaction() as db:
        workshop = db.scalar(select(Workshop).where(Workshop.id == actor.workshop_id)
                             .with_for_update())
        if workshop is None:
            raise NotFound("This workshop no longer exists.")
        workshop.seating = CHOICES[choice]
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)


def table_of(rt: Runtime, participant_id: str | None) -> str | None:
    """The table a participant sits at (None for the facilitator's screens)."""
    if not participant_id:
        return None
    with rt.store.reading() as db:
        return db.scalar(select(Participant.table_label).where(Participant.id == participant_id))


def summary(rt: Runtime, workshop_id: int) -> RoomState:
    """The room's state with counts but without its cards: what a card's push needs, read
    with two counting queries however big the wall has grown."""
    with rt.store.reading() as db:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            raise NotFound("This workshop no longer exists.")
        plan = workshop_service.plan_for(rt, workshop.plan_name)
        activity = plan.activity(workshop.activity_key)
        contributed = 0
        if activity is not None:
            contributed = db.scalar(
                select(func.count(func.distinct(Contribution.participant_id)))
                .where(Contribution.workshop_id == workshop_id,
                       Contribution.activity_key == activity.key,
                       Contribution.hidden.is_(False))) or 0
        joined = db.scalar(select(func.count()).select_from(Participant)
                           .where(Participant.workshop_id == workshop_id)) or 0
    return workshop_service.RoomState(workshop, plan, cycle.phase(workshop.phase), activity, [],
                                      joined, contributed)


def seated(state: RoomState) -> bool:
    """True when this room's phones show their table's wall."""
    return uses_tables(state.workshop.seating, state.joined)


def _wall_cards(state: RoomState):  # noqa: ANN202 - a SQLAlchemy select
    """The activity's visible cards with their author's table (None: no table)."""
    return (select(Contribution, Participant.table_label)
            .outerjoin(Participant, Participant.id == Contribution.participant_id)
            .where(Contribution.workshop_id == state.workshop.id,
                   Contribution.activity_key == (state.activity.key if state.activity else ""),
                   Contribution.hidden.is_(False))
            .order_by(Contribution.id))


def cards_by_table(rt: Runtime, state: RoomState) -> dict[str | None, list[Contribution]]:
    """The wall's cards grouped by their author's table, in one query.

    Cards without a table (the facilitator's) are under None and belong on every table.
    """
    tables: dict[str | None, list[Contribution]] = {}
    with rt.store.reading() as db:
        for card, table in db.execute(_wall_cards(state)).all():
            tables.setdefault(table, []).append(card)
    return tables


def table_cards(rt: Runtime, state: RoomState, table: str | None) -> list[Contribution]:
    """One table's wall: its cards and the room-wide ones, without reading anyone else's."""
    query = _wall_cards(state).where(
        (Participant.table_label == table) | Participant.table_label.is_(None))
    with rt.store.reading() as db:
        return [card for card, _table in db.execute(query).all()]


def for_table(state: RoomState, by_table: dict[str | None, list[Contribution]],
              table: str | None) -> RoomState:
    """The state as the phones at ``table`` see it: their cards and the room-wide ones."""
    cards = sorted([*by_table.get(table, []), *by_table.get(None, [])], key=lambda c: c.id)
    return replace(state, contributions=cards)


def table_labels(rt: Runtime, workshop_id: int) -> list[str]:
    """Every table someone sits at, in order."""
    with rt.store.reading() as db:
        labels = db.scalars(select(Participant.table_label).distinct()
                            .where(Participant.workshop_id == workshop_id,
                                   Participant.table_label.is_not(None))).all()
    return sorted(labels, key=_table_order)


def plenary(rt: Runtime, state: RoomState, page: int = 1) -> Plenary:
    """The latest cards (one page) and each table's people and cards, in three queries."""
    workshop_id = state.workshop.id
    with rt.store.reading() as db:
        people = dict(db.execute(select(Participant.table_label, func.count())
                                 .where(Participant.workshop_id == workshop_id)
                                 .group_by(Participant.table_label)).all())
        cards: dict[str | None, int] = {}
        shown: list[Contribution] = []
        total = 0
        if state.activity is not None:
            where = (Contribution.workshop_id == workshop_id,
                     Contribution.activity_key == state.activity.key,
                     Contribution.hidden.is_(False))
            cards = dict(db.execute(select(Participant.table_label, func.count(Contribution.id))
                                    .join(Participant,
                                          Participant.id == Contribution.participant_id)
                                    .where(*where).group_by(Participant.table_label)).all())
            total = db.scalar(select(func.count(Contribution.id)).where(*where)) or 0
            pages = max(1, -(-total // PLENARY_PAGE))
            page = min(max(1, page), pages)
            shown = list(db.scalars(select(Contribution).where(*where)
                                    .order_by(Contribution.id.desc())
                                    .limit(PLENARY_PAGE).offset((page - 1) * PLENARY_PAGE)))
    pages = max(1, -(-total // PLENARY_PAGE))
    tables = [TableCount(label, people.get(label, 0), cards.get(label, 0))
              for label in sorted((k for k in people if k is not None), key=_table_order)]
    return Plenary(shown, total, min(max(1, page), pages), pages, tables)


def _table_order(label: str) -> tuple[int, str]:
    return (int(label), "") if label.isdigit() else (1 << 30, label)
