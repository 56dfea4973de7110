"""Big rooms: a summit sits at tables of about eight.

Every participant gets a table when they join (the next table with a free seat, in order of
arrival), so nothing has to be reshuffled when the room grows, and every card remembers the
table it was written at. From ``AUTO_FROM`` people on, or when the facilitator chooses it,
the room is *seated*: on a wall activity each phone shows its own table's cards, and the
control page and projector show a plenary that aggregates (people and cards per table) and
pages (the latest cards first), so one push to a thousand phones never carries a thousand
cards. In Discover's interviews, pairs are formed within each table (services.pairs).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..small_numbers import FEWEST
from ..store import Contribution, Participant, Workshop, lookups
from . import Runtime
from .access import Actor, require_facilitator
from .errors import Invalid, NotFound

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


def table_for_newcomer(joined: int) -> str:
    """The table the person joining after ``joined`` others sits at: the first not yet full."""
    return str(joined // TABLE_SIZE + 1)


def grew_to_tables(seating: str | None, joined: int) -> bool:
    """True when a room left to its size has just grown, with its ``joined``-th person, big
    enough to sit at tables (a small range, not one number: people joining at the same
    moment may skip it)."""
    return seating is None and 0 <= joined - AUTO_FROM < 4


def uses_tables(seating: str | None, joined: int) -> bool:
    """Tables by the facilitator's choice, or automatically once the room is big."""
    if seating in ("tables", "room"):
        return seating == "tables"
    return joined >= AUTO_FROM


def is_seated(db: Session, workshop: Workshop) -> bool:
    """True when this room sits at tables now (one counting query)."""
    if workshop.seating in ("tables", "room"):
        return workshop.seating == "tables"
    joined = db.scalar(select(func.count()).select_from(Participant)
                       .where(Participant.workshop_id == workshop.id)) or 0
    return uses_tables(None, joined)


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
    """The table a participant sits at (None for the facilitator's screens); asked at every
    live connection, so read without an ORM session (store/lookups.py)."""
    if not participant_id:
        return None
    with rt.store.connection() as connection:
        seat = lookups.seat_of(connection, participant_id)
    return seat[1] if seat else None


def seated_now(db: Session, workshop: Workshop) -> bool:
    """Whether the room sits at tables at this moment (by choice, or by its size)."""
    joined = db.scalar(select(func.count()).select_from(Participant)
                       .where(Participant.workshop_id == workshop.id)) or 0
    return uses_tables(workshop.seating, joined)


def table_in(db: Session, participant_id: str | None) -> str | None:
    """The same, read in an open session (None for the facilitator)."""
    if not participant_id:
        return None
    return db.scalar(select(Participant.table_label).where(Participant.id == participant_id))


def wall_of(db: Session, workshop: Workshop, participant_id: str | None) -> str | None:
    """The table wall a new card goes on: its writer's table while the room sits at tables
    and that table seats at least ``FEWEST`` people; otherwise the whole room's wall, so a
    table of one or two never shows cards that can only be theirs."""
    table = table_in(db, participant_id)
    if table is None or not seated_now(db, workshop):
        return None
    seated = db.scalar(select(func.count()).select_from(Participant).where(
        Participant.workshop_id == workshop.id, Participant.table_label == table)) or 0
    return table if seated >= FEWEST else None


def wall_cards(workshop_id: int, activity_key: str) -> Select[tuple[Contribution]]:
    """The visible cards of one wall, oldest first."""
    return (select(Contribution)
            .where(Contribution.workshop_id == workshop_id,
                   Contribution.activity_key == activity_key,
                   Contribution.hidden.is_(False))
            .order_by(Contribution.id))


def table_cards(db: Session, workshop_id: int, activity_key: str,
                table: str | None) -> list[Contribution]:
    """One table's wall: its cards and the room-wide ones (no table), nobody else's."""
    at_table = Contribution.table_label.is_(None)
    if table is not None:
        at_table = at_table | (Contribution.table_label == table)
    return list(db.scalars(wall_cards(workshop_id, activity_key).where(at_table)))


def cards_by_table(rt: Runtime, workshop_id: int,
                   activity_key: str | None) -> dict[str | None, list[Contribution]]:
    """The wall's cards grouped by table, in one query; None holds the room-wide ones."""
    tables: dict[str | None, list[Contribution]] = {}
    if activity_key is None:
        return tables
    with rt.store.reading() as db:
        for card in db.scalars(wall_cards(workshop_id, activity_key)):
            tables.setdefault(card.table_label, []).append(card)
    return tables


def for_table(by_table: dict[str | None, list[Contribution]],
              table: str | None) -> list[Contribution]:
    """The cards the phones at ``table`` see: their own and the room-wide ones."""
    own = by_table.get(table, []) if table is not None else []
    return sorted([*own, *by_table.get(None, [])], key=lambda card: card.id)


def table_labels(rt: Runtime, workshop_id: int) -> list[str]:
    """Every table someone sits at, in order."""
    with rt.store.reading() as db:
        labels = db.scalars(select(Participant.table_label).distinct()
                            .where(Participant.workshop_id == workshop_id,
                                   Participant.table_label.is_not(None))).all()
    return sorted(labels, key=_table_order)


def plenary(db: Session, workshop_id: int, activity_key: str | None, page: int = 1) -> Plenary:
    """The latest cards (one page) and each table's people and cards, in four queries."""
    people = dict(db.execute(select(Participant.table_label, func.count())
                             .where(Participant.workshop_id == workshop_id)
                             .group_by(Participant.table_label)).all())
    cards: dict[str | None, int] = {}
    shown: list[Contribution] = []
    total = 0
    if activity_key is not None:
        where = (Contribution.workshop_id == workshop_id,
                 Contribution.activity_key == activity_key,
                 Contribution.hidden.is_(False))
        cards = dict(db.execute(select(Contribution.table_label, func.count(Contribution.id))
                                .where(*where).group_by(Contribution.table_label)).all())
        total = sum(cards.values())
    pages = max(1, -(-total // PLENARY_PAGE))
    page = min(max(1, page), pages)
    if total:
        shown = list(db.scalars(wall_cards(workshop_id, str(activity_key))
                                .order_by(None).order_by(Contribution.id.desc())
                                .limit(PLENARY_PAGE).offset((page - 1) * PLENARY_PAGE)))
    tables = [TableCount(label, people.get(label, 0), cards.get(label, 0))
              for label in sorted((k for k in people if k is not None), key=_table_order)]
    return Plenary(shown, total, page, pages, tables)


def _table_order(label: str) -> tuple[int, str]:
    return (int(label), "") if label.isdigit() else (1 << 30, label)
