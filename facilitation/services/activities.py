"""Per-activity settings the facilitator controls: the timer, lock and reveal.

The timer is stored as a duration, a start instant and the seconds already used, so every
screen can count down by itself and a restart of the server loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from .. import kinds
from ..small_numbers import FEWEST
from ..store import Workshop
from ..store.models import ActivityState, utcnow
from . import Runtime, authorship
from .access import Actor, require_facilitator
from .errors import Conflict, Invalid, NotFound
from .numbers import whole_number

MAX_ADD_SECONDS = 24 * 60 * 60  # one step; the total has no cap


@dataclass(frozen=True)
class Timer:
    """A snapshot of an activity's timer."""

    total: int
    used: int
    running: bool
    started_at: datetime | None

    @property
    def remaining(self) -> int:
        """Seconds left at the moment of the snapshot (negative once time is up)."""
        used = self.used
        if self.running and self.started_at is not None:
            used += int((utcnow() - self.started_at).total_seconds())
        return self.total - used

    @property
    def ends_at_ms(self) -> int | None:
        """When it reaches zero, for browsers to count down to; None while paused."""
        if not self.running or self.started_at is None:
            return None
        return int(self.started_at.timestamp() * 1000) + (self.total - self.used) * 1000


def settings_for(db: Session, workshop_id: int, activity_key: str) -> ActivityState:
    """The stored settings of an activity, created with defaults on first use."""
    state = db.get(ActivityState, (workshop_id, activity_key))
    if state is None:
        state = ActivityState(workshop_id=workshop_id, activity_key=activity_key, locked=False,
                              revealed=False, timer_elapsed=0)
        db.add(state)
        db.flush()
    return state


def timer_of(state: ActivityState | None, planned_minutes: int) -> Timer:
    if state is None:
        return Timer(planned_minutes * 60, 0, False, None)
    total = state.timer_seconds if state.timer_seconds is not None else planned_minutes * 60
    started = state.timer_started_at
    if started is not None and started.tzinfo is None:  # SQLite drops the zone; it is UTC
        started = started.replace(tzinfo=utcnow().tzinfo)
    return Timer(total, state.timer_elapsed or 0, started is not None, started)


def _current(db: Session, rt: Runtime, actor: Actor) -> tuple[Workshop, ActivityState, int]:
    require_facilitator(actor)
    workshop = db.get(Workshop, actor.workshop_id)
    if workshop is None:
        raise NotFound("This workshop no longer exists.")
    activity = rt.plan_for(workshop.plan_name).activity(workshop.activity_key)
    if activity is None:
        raise Conflict("There is no activity running, so there is no timer to change.")
    return workshop, settings_for(db, workshop.id, activity.key), activity.minutes


def change_timer(rt: Runtime, actor: Actor, action: str, seconds: object = None) -> None:
    """Start, pause, add time to or reset the current activity's timer; everyone sees it."""
    with rt.store.transaction() as db:
        _workshop, state, minutes = _current(db, rt, actor)
        timer = timer_of(state, minutes)
        if action == "start":
            if not timer.running:
                state.timer_seconds = timer.total
                state.timer_started_at = utcnow()
        elif action == "pause":
            if timer.running:
                state.timer_elapsed = timer.total - timer.remaining
                state.timer_started_at = None
        elif action == "add":
            extra = whole_number(seconds)
            if extra is None:
                raise Invalid("Choose how many minutes to add.")
            if not 0 < extra <= MAX_ADD_SECONDS:
                raise Invalid("Add between one second and one day at a time.")
            if timer.remaining < 0:
                # Time was up: extra time counts from now, not from the overrun.
                state.timer_elapsed = (state.timer_elapsed or 0) + timer.remaining
            state.timer_seconds = timer.total + extra
        elif action == "reset":
            state.timer_seconds = minutes * 60
            state.timer_elapsed = 0
            state.timer_started_at = None
        else:
            raise Invalid("That is not something the timer can do.")
    rt.broadcaster.timer_changed(actor.workshop_id)


def _kind(rt: Runtime, workshop: Workshop) -> kinds.Kind | None:
    return kinds.of(rt.plan_for(workshop.plan_name).activity(workshop.activity_key))


def _enough_to_show(db: Session, workshop_id: int, activity_key: str,
                    kind: kinds.Kind | None) -> bool:
    """Whether a reveal now shows content: drawn from at least FEWEST people who voted (or
    answered). A reveal that shows only "fewer than 3" shows nothing to subtract from."""
    counting = authorship.DOTS if kind is not None and kind.vote_target else authorship.ITEMS
    return authorship.people(db, workshop_id, activity_key, counting) >= FEWEST


def set_flag(rt: Runtime, actor: Actor, flag: str, value: bool) -> None:
    """Lock or unlock the current activity, or reveal or hide its results."""
    if flag not in ("locked", "revealed"):
        raise Invalid("That is not a setting of an activity.")
    with rt.store.transaction() as db:
        workshop, state, _minutes = _current(db, rt, actor)
        setattr(state, flag, bool(value))
        if flag == "revealed" and value and _enough_to_show(db, workshop.id, state.activity_key,
                                                            _kind(rt, workshop)):
            # Shown with content at last: from now on nothing may change (see the model).
            state.results_shown = True
        workshop.version += 1
    rt.broadcaster.workshop_changed(actor.workshop_id)
