"""Themes: the facilitator groups Discover cards and stories into the positive core.

Every change first saves the board as it was, so any step can be undone; every theme keeps
its links to the cards and stories it came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..store import Contribution
from ..store.models import Story, SuggestionDecision, Theme, ThemeHistory, ThemeLink
from . import Runtime
from .access import Actor, require_facilitator
from .errors import Conflict, Invalid, NotFound
from .numbers import record_id, whole_number
from .text import clean

ITEM_TYPES = ("contribution", "story")
UNDO_DEPTH = 50


@dataclass(frozen=True)
class BoardItem:
    """A card or story as it appears on the theme board."""

    type: str
    id: int
    text: str

    @property
    def ref(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass(frozen=True)
class ThemeView:
    id: int
    name: str
    origin: str
    items: tuple[BoardItem, ...]


@dataclass(frozen=True)
class Board:
    themes: tuple[ThemeView, ...]
    ungrouped: tuple[BoardItem, ...]

    @property
    def all_items(self) -> tuple[BoardItem, ...]:
        return tuple(i for t in self.themes for i in t.items) + self.ungrouped


def parse_ref(ref: object) -> tuple[str, int]:
    """'story:12' → ('story', 12); anything else is refused with a clear message."""
    kind, _, digits = str(ref or "").partition(":")
    number = whole_number(digits)
    if kind not in ITEM_TYPES or number is None:
        raise Invalid("Choose a card or story.")
    return kind, number


def groupable_items(db: Session, workshop_id: int, discover_keys: Iterable[str]) -> list[BoardItem]:
    """Discover cards and the stories shared with the room, hidden ones left out."""
    cards = db.scalars(select(Contribution).where(
        Contribution.workshop_id == workshop_id, Contribution.hidden.is_(False),
        Contribution.activity_key.in_(list(discover_keys))).order_by(Contribution.id))
    stories = db.scalars(select(Story).where(
        Story.workshop_id == workshop_id, Story.hidden.is_(False),
        Story.sharing.in_(("room", "report"))).order_by(Story.id))
    return ([BoardItem("contribution", c.id, c.body) for c in cards]
            + [BoardItem("story", s.id, s.headline) for s in stories])


def board(db: Session, workshop_id: int, discover_keys: Iterable[str]) -> Board:
    """Themes in order with their items, and what is not yet grouped."""
    items = {(i.type, i.id): i for i in groupable_items(db, workshop_id, discover_keys)}
    themes = list(db.scalars(select(Theme).where(Theme.workshop_id == workshop_id)
                             .order_by(Theme.position, Theme.id)))
    links = db.execute(select(ThemeLink).join(Theme, Theme.id == ThemeLink.theme_id)
                       .where(Theme.workshop_id == workshop_id)).scalars()
    by_theme: dict[int, list[BoardItem]] = {t.id: [] for t in themes}
    grouped: set[tuple[str, int]] = set()
    for link in links:
        item = items.get((link.item_type, link.item_id))
        if item is not None:
            by_theme[link.theme_id].append(item)
            grouped.add((link.item_type, link.item_id))
    views = tuple(ThemeView(t.id, t.name, t.origin,
                            tuple(sorted(by_theme[t.id], key=lambda i: (i.type, i.id))))
                  for t in themes)
    return Board(views, tuple(i for key, i in items.items() if key not in grouped))


def _snapshot(db: Session, workshop_id: int) -> str:
    themes = db.scalars(select(Theme).where(Theme.workshop_id == workshop_id)).all()
    links = db.scalars(select(ThemeLink).join(Theme, Theme.id == ThemeLink.theme_id)
                       .where(Theme.workshop_id == workshop_id)).all()
    return json.dumps({
        "themes": [{"id": t.id, "name": t.name, "description": t.description,
                    "position": t.position, "origin": t.origin} for t in themes],
        "links": [[link.theme_id, link.item_type, link.item_id] for link in links],
    })


def _remember(db: Session, workshop_id: int, action: str) -> None:
    db.add(ThemeHistory(workshop_id=workshop_id, action=action,
                        snapshot=_snapshot(db, workshop_id)))
    old = db.scalars(select(ThemeHistory.id).where(ThemeHistory.workshop_id == workshop_id)
                     .order_by(ThemeHistory.id.desc()).offset(UNDO_DEPTH)).all()
    if old:
        db.execute(delete(ThemeHistory).where(ThemeHistory.id.in_(old)))


def _theme(db: Session, workshop_id: int, theme_id: object) -> Theme:
    theme = db.get(Theme, record_id(theme_id))
    if theme is None or theme.workshop_id != workshop_id:
        raise NotFound("That theme is no longer there.")
    return theme


def _check_items(db: Session, workshop_id: int, refs: Sequence[tuple[str, int]]) -> None:
    for kind, item_id in refs:
        table = Contribution if kind == "contribution" else Story
        item = db.get(table, item_id)
        if item is None or item.workshop_id != workshop_id:
            raise NotFound("One of those cards is no longer there.")


def _unlink(db: Session, workshop_id: int, refs: Sequence[tuple[str, int]]) -> None:
    theme_ids = select(Theme.id).where(Theme.workshop_id == workshop_id)
    for kind, item_id in refs:
        db.execute(delete(ThemeLink).where(ThemeLink.theme_id.in_(theme_ids),
                                           ThemeLink.item_type == kind,
                                           ThemeLink.item_id == item_id))


def _link(db: Session, theme: Theme, refs: Sequence[tuple[str, int]]) -> None:
    _unlink(db, theme.workshop_id, refs)
    for kind, item_id in refs:
        db.add(ThemeLink(theme_id=theme.id, item_type=kind, item_id=item_id))


def _new_theme(db: Session, workshop_id: int, name: str, origin: str) -> Theme:
    position = (db.scalar(select(func.max(Theme.position))
                          .where(Theme.workshop_id == workshop_id)) or 0) + 1
    theme = Theme(workshop_id=workshop_id, name=name, position=position, origin=origin)
    db.add(theme)
    db.flush()
    return theme


def _change(rt: Runtime, actor: Actor, action: str) -> _BoardChange:
    """Context for one undoable change of the board, by the facilitator only."""
    require_facilitator(actor)
    return _BoardChange(rt, actor, action)


class _BoardChange:
    def __init__(self, rt: Runtime, actor: Actor, action: str) -> None:
        self.rt, self.actor, self.action = rt, actor, action

    def __enter__(self) -> Session:
        self._transaction = self.rt.store.transaction()
        db = self._transaction.__enter__()
        _remember(db, self.actor.workshop_id, self.action)
        return db

    def __exit__(self, *exc: object) -> bool:
        self._transaction.__exit__(*exc)
        if exc[0] is None:
            self.rt.broadcaster.board_changed(self.actor.workshop_id)
        return False


def create_theme(rt: Runtime, actor: Actor, name: object, refs: Sequence[object] = ()) -> int:
    """A new named theme, optionally with cards moved into it."""
    name = clean(name, "theme_name", "The theme's name")
    parsed = [parse_ref(r) for r in refs]
    with _change(rt, actor, "create") as db:
        _check_items(db, actor.workshop_id, parsed)
        theme = _new_theme(db, actor.workshop_id, name, "facilitator")
        _link(db, theme, parsed)
        return theme.id


def rename_theme(rt: Runtime, actor: Actor, theme_id: object, name: object) -> None:
    name = clean(name, "theme_name", "The theme's name")
    with _change(rt, actor, "rename") as db:
        _theme(db, actor.workshop_id, theme_id).name = name


def move_item(rt: Runtime, actor: Actor, ref: object, theme_id: object) -> None:
    """Move a card or story to a theme; an empty theme id puts it back among the ungrouped."""
    parsed = parse_ref(ref)
    with _change(rt, actor, "move") as db:
        _check_items(db, actor.workshop_id, [parsed])
        if theme_id in (None, "", "none"):
            _unlink(db, actor.workshop_id, [parsed])
        else:
            _link(db, _theme(db, actor.workshop_id, theme_id), [parsed])


def merge_themes(rt: Runtime, actor: Actor, source_id: object, target_id: object) -> None:
    """Fold one theme into another: its cards join the target and it disappears."""
    with _change(rt, actor, "merge") as db:
        source = _theme(db, actor.workshop_id, source_id)
        target = _theme(db, actor.workshop_id, target_id)
        if source.id == target.id:
            raise Invalid("Choose two different themes to merge.")
        refs = [(link.item_type, link.item_id) for link in
                db.scalars(select(ThemeLink).where(ThemeLink.theme_id == source.id))]
        _link(db, target, refs)
        db.delete(source)


def split_theme(rt: Runtime, actor: Actor, theme_id: object, refs: Sequence[object],
                name: object) -> int:
    """Move some of a theme's cards into a new theme."""
    name = clean(name, "theme_name", "The new theme's name")
    parsed = [parse_ref(r) for r in refs]
    if not parsed:
        raise Invalid("Choose the cards that should form the new theme.")
    with _change(rt, actor, "split") as db:
        source = _theme(db, actor.workshop_id, theme_id)
        linked = {(link.item_type, link.item_id) for link in
                  db.scalars(select(ThemeLink).where(ThemeLink.theme_id == source.id))}
        if not set(parsed) <= linked:
            raise Invalid("Only cards of this theme can be split off from it.")
        if set(parsed) == linked:
            raise Invalid("Leave at least one card in the original theme, or rename it instead.")
        theme = _new_theme(db, actor.workshop_id, name, "facilitator")
        _link(db, theme, parsed)
        return theme.id


def delete_theme(rt: Runtime, actor: Actor, theme_id: object) -> None:
    """Remove a theme; its cards go back among the ungrouped."""
    with _change(rt, actor, "delete") as db:
        db.delete(_theme(db, actor.workshop_id, theme_id))


def accept_suggestion(rt: Runtime, actor: Actor, label: object, refs: Sequence[object],
                      signature: str) -> int:
    """Turn a suggested grouping into a theme (only cards still ungrouped move)."""
    name = clean(label, "theme_name", "The theme's name")
    parsed = [parse_ref(r) for r in refs]
    with _change(rt, actor, "accept suggestion") as db:
        _check_items(db, actor.workshop_id, parsed)
        theme_ids = select(Theme.id).where(Theme.workshop_id == actor.workshop_id)
        grouped = {(link.item_type, link.item_id) for link in
                   db.scalars(select(ThemeLink).where(ThemeLink.theme_id.in_(theme_ids)))}
        fresh = [r for r in parsed if r not in grouped]
        if not fresh:
            raise Conflict("Those cards are already in themes.")
        theme = _new_theme(db, actor.workshop_id, name, "suggested")
        _link(db, theme, fresh)
        db.merge(SuggestionDecision(workshop_id=actor.workshop_id, signature=str(signature)[:64],
                                    decision="accepted"))
        return theme.id


def reject_suggestion(rt: Runtime, actor: Actor, signature: object) -> None:
    """Do not show this suggested grouping again."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        db.merge(SuggestionDecision(workshop_id=actor.workshop_id,
                                    signature=str(signature or "")[:64], decision="rejected"))
    rt.broadcaster.board_changed(actor.workshop_id)


def decided_signatures(db: Session, workshop_id: int) -> set[str]:
    return set(db.scalars(select(SuggestionDecision.signature)
                          .where(SuggestionDecision.workshop_id == workshop_id)))


def _restore_theme(db: Session, workshop_id: int, data: dict) -> Theme:
    """A theme as a snapshot saved it, under its old id while that id is free or still this
    workshop's. The database may have given a deleted theme's id to another workshop's new
    theme since: then this one comes back under a new id, and the other is left alone."""
    theme = db.get(Theme, data["id"])
    if theme is None:
        theme = Theme(id=data["id"], workshop_id=workshop_id)
        db.add(theme)
    elif theme.workshop_id != workshop_id:
        theme = Theme(workshop_id=workshop_id)
        db.add(theme)
    theme.name, theme.description = data["name"], data["description"]
    theme.position, theme.origin = data["position"], data["origin"]
    return theme


def undo(rt: Runtime, actor: Actor) -> str:
    """Put the board back as it was before the last change. Returns what was undone."""
    require_facilitator(actor)
    with rt.store.transaction() as db:
        last = db.scalar(select(ThemeHistory).where(ThemeHistory.workshop_id == actor.workshop_id)
                         .order_by(ThemeHistory.id.desc()).limit(1))
        if last is None:
            raise Conflict("There is nothing to undo.")
        saved = json.loads(last.snapshot)
        keep = {t["id"] for t in saved["themes"]}
        for theme in db.scalars(select(Theme).where(Theme.workshop_id == actor.workshop_id)):
            if theme.id not in keep:
                db.delete(theme)
        db.flush()
        restored = {data["id"]: _restore_theme(db, actor.workshop_id, data)
                    for data in saved["themes"]}
        db.flush()
        db.execute(delete(ThemeLink).where(ThemeLink.theme_id.in_(
            [theme.id for theme in restored.values()])))
        for theme_id, kind, item_id in saved["links"]:
            db.add(ThemeLink(theme_id=restored[theme_id].id, item_type=kind, item_id=item_id))
        action = last.action
        db.delete(last)
    rt.broadcaster.board_changed(actor.workshop_id)
    return action
