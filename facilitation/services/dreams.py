"""Dream: statements of the future at its best, written as if already true and linked to the
themes of the positive core they build on.

A dream is stored as a contribution of the dreams activity (so moderation, spotlight and
exports treat it like any card) plus links to themes in ``item_themes``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import kinds
from ..plans import Activity
from ..store import Contribution, Workshop
from ..store.models import ActivityState, ItemTheme, Theme
from ..translation import N_, month_year
from . import Runtime, authorship, parts
from .access import Actor, require_member
from .errors import Invalid, NotFound
from .numbers import whole_number
from .once import author_name, client_id_of, open_activity, store_once
from .text import clean
from .votes import ballot, dots_per_person, tallies, voters

DEFAULT_HORIZON_MONTHS = 24


def horizon(start: date, months: int) -> date:
    """The first day of the month a dream is set in (shown as people say it: 'July 2028')."""
    index = start.month - 1 + months
    return date(start.year + index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class DreamView:
    """A dream as the room sees it: never who wrote it in an anonymous activity."""

    id: int
    text: str
    author: str | None
    themes: tuple[str, ...]
    dots: int | None

    @property
    def ref(self) -> str:
        return f"contribution:{self.id}"


@dataclass(frozen=True)
class DreamBoard:
    horizon_month: date
    dreams: tuple[DreamView, ...]
    revealed: bool
    voters: int
    dots_each: int

    @property
    def horizon(self) -> str:
        """The month the dreams are set in, in the reader's language: 'July 2028'."""
        return month_year(self.horizon_month)

    @property
    def ranked(self) -> tuple[DreamView, ...]:
        """Most dots first; only meaningful (and only used) once revealed."""
        return tuple(sorted(self.dreams, key=lambda d: (-(d.dots or 0), d.id)))

    @property
    def most(self) -> int:
        return max((d.dots or 0 for d in self.dreams), default=0)


def _themes_of(db: Session, item_type: str, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not ids:
        return {}
    rows = db.execute(select(ItemTheme.item_id, Theme.name)
                      .join(Theme, Theme.id == ItemTheme.theme_id)
                      .where(ItemTheme.item_type == item_type, ItemTheme.item_id.in_(ids))
                      .order_by(Theme.position, Theme.id))
    found: dict[int, list[str]] = {}
    for item_id, name in rows:
        found.setdefault(item_id, []).append(name)
    return {key: tuple(names) for key, names in found.items()}


def dream_board(db: Session, workshop: Workshop, activity: Activity,
                settings: ActivityState | None) -> DreamBoard:
    """Every visible dream of the activity, with totals only once they are revealed."""
    dreams = list(db.scalars(select(Contribution).where(
        Contribution.workshop_id == workshop.id, Contribution.activity_key == activity.key,
        Contribution.hidden.is_(False)).order_by(Contribution.id)))
    themes = _themes_of(db, "contribution", [d.id for d in dreams])
    counted = tallies(db, workshop.id, activity, settings)
    views = tuple(DreamView(
        d.id, d.body, None if activity.anonymous else d.author_name, themes.get(d.id, ()),
        None if counted is None else counted.get(d.id, 0)) for d in dreams)
    start = workshop.created_at.date() if workshop.created_at else date.today()
    return DreamBoard(horizon(start, activity.horizon_months or DEFAULT_HORIZON_MONTHS), views,
                      counted is not None, voters(db, workshop.id, activity),
                      dots_per_person(activity, settings))


def theme_ids(db: Session, workshop_id: int, raw: Sequence[object]) -> list[int]:
    """Theme ids from a form, each checked to belong to this workshop."""
    ids: list[int] = []
    for value in raw:
        number = whole_number(value)
        if number is None:
            raise Invalid("Choose themes from the list.")
        theme = db.get(Theme, number)
        if theme is None or theme.workshop_id != workshop_id:
            raise NotFound("One of those themes is no longer there. Your text is still in "
                           "the box: choose again.")
        if theme.id not in ids:
            ids.append(theme.id)
    return ids


def add_dream(rt: Runtime, actor: Actor, text: object, themes: Sequence[object],
              client_id: object) -> tuple[Contribution, bool]:
    """Store one dream, once per ``client_id``; returns it and whether it is new."""
    require_member(actor)
    client_id = client_id_of(client_id)
    body = clean(text, "dream", "Your dream", multiline=True)

    def write(db: Session) -> Contribution:
        workshop, _plan, activity = open_activity(
            db, rt, actor, kinds.DREAMS,
            moved_on=N_("The room has moved on from dreaming. Your text is still in the box."),
            locked=N_("The facilitator has closed this activity for new dreams. Your text is "
                      "still in the box."))
        linked = theme_ids(db, workshop.id, themes)
        dream = Contribution(workshop_id=workshop.id,
                             participant_id=None if activity.anonymous else actor.participant_id,
                             phase=workshop.phase, activity_key=activity.key, body=body,
                             author_name=author_name(db, activity, actor), client_id=client_id,
                             owner_tag=authorship.seal(actor.author_key), hidden=False)
        db.add(dream)
        authorship.count(db, workshop.id, activity.key, actor.participant_id, +1)
        db.flush()
        for theme_id in linked:
            db.add(ItemTheme(item_type="contribution", item_id=dream.id, theme_id=theme_id))
        return dream

    dream, created = store_once(rt, actor, Contribution, client_id, write)
    if created:
        rt.broadcaster.board_changed(actor.workshop_id)
    return dream, created


@parts.room(kinds.DREAMS)
def _dreams_in_room(db: Session, workshop: Workshop, _plan: object, activity: Activity,
                    settings: ActivityState | None) -> dict[str, Any]:
    return dict(dreams=dream_board(db, workshop, activity, settings))


@parts.mine(kinds.DREAMS)
def _my_dots_on_dreams(db: Session, room: Any, me: Actor) -> dict[str, Any]:
    """My dots, and which dreams are mine (marked "yours" only on my screen)."""
    workshop_id, activity = room.workshop.id, room.activity
    rows = db.execute(select(Contribution.id, Contribution.owner_tag).where(
        Contribution.workshop_id == workshop_id, Contribution.activity_key == activity.key))
    settings = db.get(ActivityState, (workshop_id, activity.key))
    return {"ballot": ballot(db, workshop_id, activity, me, settings),
            "mine": frozenset(f"contribution:{row.id}" for row in authorship.own(
                rows, me.author_key))}
