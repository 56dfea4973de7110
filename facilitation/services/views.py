"""The read model: the room as a page or pushed fragment shows it at one moment.

Three views: what everyone sees (``room_state``), what only the facilitator sees
(``facilitator_view``) and what one participant sees of their own part (``my_view``).
``room_summary`` is the room with its counts but without its cards, for pushes about one
card. A room seated at tables (services.seating) shows a wall activity as one table's cards
on a phone and as a paged plenary on the facilitator's screens: neither reads the whole wall.
Hidden items are left out of every view but the facilitator's moderation list; authorship of
anonymous items is never part of any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .. import cycle, kinds
from ..plans import Activity, Plan
from ..store import Contribution, Participant, Workshop
from ..store.models import ActivityState, Commitment, Proposition, PulseResponse, Story
from . import Runtime, authorship, parts, seating, stories, suggest  # noqa: F401
from .access import Actor
from .activities import Timer, timer_of
from .deliver import DeliverBoard
from .design import DesignBoard
from .dreams import DreamBoard
from .errors import NotFound

# Each kind's service registers what it adds to these views (parts.py); the imports below
# are what fill the registers (suggest registers the theme board's suggestions).
from .numbers import record_id
from .pairs import Group, MyPair
from .pulse import PulseResults
from .stories import StoryView
from .themes import Board, BoardItem, board
from .votes import Ballot


@dataclass(frozen=True, kw_only=True)
class RoomState:
    """Everything everyone may see about the room."""

    workshop: Workshop
    plan: Plan
    phase: cycle.Phase
    activity: Activity | None
    contributions: list[Contribution]
    joined: int
    present: int
    contributed: int
    timer: Timer | None
    locked: bool
    revealed: bool
    spotlight: BoardItem | None
    # The results were shown at least once: answers and dots are frozen (activities.set_flag).
    results_shown: bool = False
    stories: list[StoryView] = field(default_factory=list)
    board: Board | None = None
    dreams: DreamBoard | None = None
    design: DesignBoard | None = None
    deliver: DeliverBoard | None = None
    pulse: PulseResults | None = None
    # How many visible cards the whole wall holds, even when ``contributions`` holds only a
    # table's (or none), and whether the room sits at tables and which one this view shows.
    cards: int = 0
    seated: bool = False
    table: str | None = None

    @property
    def kind(self) -> str | None:
        """The current activity's kind, by name (for the page's classes)."""
        return self.activity.kind if self.activity else None

    @property
    def activity_kind(self) -> kinds.Kind | None:
        """What the current activity's kind is and shows (kinds/)."""
        return kinds.of(self.activity)

    @property
    def table_walls(self) -> bool:
        """True when phones show their own table's cards rather than the whole wall."""
        return Layout(self.seated, self.kind).table_walls

    @property
    def shared(self) -> int:
        """How many things were shared in this activity: items, never people, so an anonymous
        activity's count cannot single anyone out."""
        if self.dreams is not None:
            return len(self.dreams.dreams)
        if self.design is not None:
            return len(self.design.propositions)
        if self.deliver is not None:
            return len(self.deliver.commitments)
        if self.pulse is not None:
            return self.pulse.responses
        return self.cards

    @property
    def accepting(self) -> bool:
        """True while the current activity takes wall contributions."""
        kind = self.activity_kind
        return (self.phase.open_for_contributions and kind is not None and kind.composer
                and not self.locked)


@dataclass(frozen=True)
class Layout:
    """How the room is laid out at the moment: whether it sits at tables, and the kind of
    activity it is on. Enough to choose how to push a change, without reading the boards."""

    seated: bool
    kind: str | None

    @property
    def activity_kind(self) -> kinds.Kind | None:
        return kinds.named(self.kind)

    @property
    def table_walls(self) -> bool:
        """True when phones show their own table's cards rather than the whole wall."""
        kind = self.activity_kind
        return self.seated and kind is not None and kind.composer


def layout(rt: Runtime, workshop_id: int) -> Layout:
    """The room's layout in two small queries, however big its boards have grown."""
    with rt.store.reading() as db:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            raise NotFound("This workshop no longer exists.")
        activity = rt.plan_for(workshop.plan_name).activity(workshop.activity_key)
        joined = db.scalar(select(func.count()).where(
            Participant.workshop_id == workshop_id)) or 0
        return Layout(seating.uses_tables(workshop.seating, joined),
                      activity.kind if activity else None)


def discover_card_keys(plan: Plan) -> list[str]:
    """Activities whose cards can be grouped into themes: Discover's shared walls."""
    return [a.key for a in plan.phases["discover"].activities
            if (kind := kinds.of(a)) and kind.grouped_into_themes]


def _settings(db: Session, workshop_id: int, key: str) -> ActivityState | None:
    return db.get(ActivityState, (workshop_id, key))


def _spotlight(db: Session, workshop: Workshop) -> BoardItem | None:
    kind, _, digits = (workshop.spotlight or "").partition(":")
    number = record_id(digits)
    if number < 0:
        return None
    if kind == "contribution":
        item = db.get(Contribution, number)
        text = item.body if item else ""
    elif kind == "story":
        item = db.get(Story, number)
        text = item.headline if item else ""
    elif kind == "proposition":
        item = db.get(Proposition, number)
        text = item.text if item else ""
    else:
        return None
    if item is None or item.hidden or item.workshop_id != workshop.id:
        return None
    return BoardItem(kind, item.id, text)


# How much of the wall a view reads.
EVERY_CARD = "every"  # the whole wall, seated or not
NO_CARDS = "none"  # counts only
SEAT = "seat"  # a seated room's wall: the table's cards (none without a table); else every card


def load_room(db: Session, rt: Runtime, workshop_id: int, wall: str = EVERY_CARD,
              table: str | None = None) -> RoomState:
    """The room as one view reads it (``wall`` says how much of the wall, see above).

    Raises NotFound when the workshop is gone."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    plan = rt.plan_for(workshop.plan_name)
    activity = plan.activity(workshop.activity_key)
    joined, present = _head_count(db, workshop_id)
    seated = seating.uses_tables(workshop.seating, joined)
    kind = kinds.of(activity)
    if wall == SEAT:
        wall = SEAT if seated and kind is not None and kind.composer else EVERY_CARD
    shown = _ActivityReading() if activity is None else _read_activity(
        db, workshop, plan, activity, wall, table)
    return RoomState(workshop=workshop, plan=plan, phase=cycle.phase(workshop.phase),
                     activity=activity, contributions=shown.contributions, joined=joined,
                     present=present, contributed=shown.contributed, timer=shown.timer,
                     locked=shown.locked, revealed=shown.revealed,
                     results_shown=shown.results_shown,
                     spotlight=_spotlight(db, workshop), board=shown.themes, **shown.method,
                     cards=shown.cards, seated=seated, table=table if seated else None)


def _head_count(db: Session, workshop_id: int) -> tuple[int, int]:
    """How many have joined, and how many of them are connected now."""
    joined, present = db.execute(
        select(func.count(), func.coalesce(func.sum(
            case((Participant.connections > 0, 1), else_=0)), 0))
        .where(Participant.workshop_id == workshop_id)).one()
    return joined, int(present)


@dataclass
class _ActivityReading:
    """What the current activity adds to the room: its wall, counts, settings and the parts
    its kind registered (parts.ROOM)."""

    contributions: list[Contribution] = field(default_factory=list)
    cards: int = 0
    contributed: int = 0
    timer: Timer | None = None
    locked: bool = False
    revealed: bool = False
    results_shown: bool = False
    themes: Board | None = None
    method: dict = field(default_factory=dict)


def _read_activity(db: Session, workshop: Workshop, plan: Plan, activity: Activity, wall: str,
                   table: str | None) -> _ActivityReading:
    reading = _ActivityReading()
    reading.contributions, reading.cards = _wall(db, workshop.id, activity.key, wall, table)
    reading.contributed = authorship.people(db, workshop.id, activity.key)
    settings = _settings(db, workshop.id, activity.key)
    reading.timer = timer_of(settings, activity.minutes)
    reading.locked = bool(settings and settings.locked)
    reading.revealed = bool(settings and settings.revealed)
    reading.results_shown = bool(settings and settings.results_shown)
    kind = kinds.of(activity)
    if kind is not None and kind.shows_themes:
        reading.themes = board(db, workshop.id, discover_card_keys(plan))
    reader = parts.ROOM.get(activity.kind)
    reading.method = reader(db, workshop, plan, activity, settings) if reader else {}
    if "counted" in reading.method:
        reading.contributed = reading.method.pop("counted")
    return reading


def _visible_cards(workshop_id: int, activity_key: str) -> tuple:
    return (Contribution.workshop_id == workshop_id, Contribution.activity_key == activity_key,
            Contribution.hidden.is_(False))


def _wall(db: Session, workshop_id: int, activity_key: str, wall: str,
          table: str | None) -> tuple[list[Contribution], int]:
    """The cards this view shows, and how many the whole wall holds."""
    shown = _visible_cards(workshop_id, activity_key)
    if wall == EVERY_CARD:
        cards = list(db.scalars(select(Contribution).where(*shown).order_by(Contribution.id)))
        return cards, len(cards)
    total = db.scalar(select(func.count(Contribution.id)).where(*shown)) or 0
    if wall == SEAT and table is not None:
        return seating.table_cards(db, workshop_id, activity_key, table), total
    return [], total


def room_state(rt: Runtime, workshop_id: int) -> RoomState:
    """Read the room as everyone currently sees it, every card of its wall included."""
    with rt.store.reading() as db:
        return load_room(db, rt, workshop_id)


def room_summary(rt: Runtime, workshop_id: int) -> RoomState:
    """The room with its counts but not its wall's cards: what a push about one card or one
    arrival needs, read with a few counting queries however big the wall has grown."""
    with rt.store.reading() as db:
        return load_room(db, rt, workshop_id, NO_CARDS)


def table_state(rt: Runtime, workshop_id: int, table: str | None) -> RoomState:
    """The room as the phones at ``table`` see it: in a seated room a wall shows that
    table's cards and the room-wide ones; otherwise, the whole room."""
    with rt.store.reading() as db:
        return load_room(db, rt, workshop_id, SEAT, table)


@dataclass(frozen=True)
class FacilitatorView:
    """What only the facilitator sees: pairs, the theme board with suggestions, moderation."""

    room: RoomState
    groups: list[Group] = field(default_factory=list)
    unpaired_present: int = 0
    board: Board | None = None
    suggestions: list = field(default_factory=list)
    hidden_cards: list[Contribution] = field(default_factory=list)
    hidden_stories: list[Story] = field(default_factory=list)
    # Hidden statements and commitments as (ref, text), for the facilitator to restore.
    hidden_items: list[tuple[str, str]] = field(default_factory=list)
    # Every saved wording of each statement, oldest first, for the Design panel.
    revisions: dict[int, list[str]] = field(default_factory=dict)
    # A seated room's wall: one page of the latest cards and each table's tally.
    plenary: seating.Plenary | None = None


def facilitator_view(rt: Runtime, workshop_id: int) -> FacilitatorView:
    """What the control page shows; a seated room's wall as the first page of its plenary."""
    with rt.store.reading() as db:
        room = load_room(db, rt, workshop_id, SEAT)
        plenary = None
        if room.table_walls and room.activity is not None:
            plenary = seating.plenary(db, workshop_id, room.activity.key)
        extras: dict = {}
        hidden_cards: list[Contribution] = []
        if room.activity is not None:
            reader = parts.FACILITATOR.get(room.activity.kind)
            extras = reader(db, room) if reader else {}
            hidden_cards = list(db.scalars(select(Contribution).where(
                Contribution.workshop_id == workshop_id,
                Contribution.activity_key == room.activity.key,
                Contribution.hidden.is_(True)).order_by(Contribution.id)))
        return FacilitatorView(room, board=room.board, hidden_cards=hidden_cards,
                               plenary=plenary, **extras)


@dataclass(frozen=True)
class MyView:
    """One participant's own part of the current activity."""

    room: RoomState
    participant_id: str
    pair: MyPair | None = None
    my_stories: list[StoryView] = field(default_factory=list)
    # The story I am writing down in my current pair, if I started it.
    my_story: Story | None = None
    quotes_to_answer: list[Story] = field(default_factory=list)
    ballot: Ballot | None = None
    # Refs ("contribution:3", "proposition:5") of what I wrote, marked "yours" only for me.
    mine: frozenset[str] = frozenset()
    my_commitments: list[Commitment] = field(default_factory=list)
    my_teams: frozenset[int] = frozenset()
    my_pulse: PulseResponse | None = None
    my_name: str | None = None


def my_view(rt: Runtime, me: Actor) -> MyView:
    """One participant's view: the room as their table sees it, and their own part (found
    with their phone's author key, services.authorship)."""
    participant_id = me.participant_id or ""
    with rt.store.reading() as db:
        person = db.get(Participant, participant_id)
        room = load_room(db, rt, me.workshop_id, SEAT, person.table_label if person else None)
    kind = kinds.of(room.activity)
    if kind is not None and kind.interviews:
        stories.claim_told(rt, me)
    with rt.store.reading() as db:
        reader = parts.MINE.get(room.kind) if room.activity is not None else None
        return MyView(room, participant_id, **(reader(db, room, me) if reader else {}))
