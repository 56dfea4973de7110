"""Interview stories: the interviewer captures their partner's story; a quote is kept only
once the teller agrees on their own phone; each story says how far it may travel.

A story names neither person: each finds it with their own phone's key (services.authorship).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from .. import kinds
from ..plans import Activity, Plan
from ..store import Participant, Workshop
from ..store.models import ActivityState, PairGroup, PairMember, Story, utcnow
from ..translation import N_
from . import Runtime, authorship, parts
from .access import Actor, require_member
from .errors import Conflict, Forbidden, Invalid, NotFound
from .numbers import record_id
from .pairs import _interview_key, current_round, groups_of_round, my_pair
from .text import clean

HEADLINE_WORDS = 12
SHARING = {
    "pair": N_("Just our pair"),
    "room": N_("Everyone in the room"),
    "report": N_("The room and the written report"),
}


@dataclass(frozen=True)
class StoryView:
    """A story as one viewer may see it: the quote only when its teller agreed."""

    story: Story
    # True on the phone of the person who wrote it down (to show them the quote's answer).
    recorded_by_me: bool = False

    @property
    def quote(self) -> str | None:
        return self.story.quote if self.story.quote_consent == "given" else None


def _story_fields(form: Mapping[str, object]) -> dict[str, object]:
    headline = clean(form.get("headline"), "headline", "The headline")
    if len(headline.split()) > HEADLINE_WORDS:
        raise Invalid("The headline has %(count)s words; keep it to %(limit)s or fewer. "
                      "Everything else fits in the notes.", count=len(headline.split()),
                      limit=HEADLINE_WORDS)
    sharing = str(form.get("sharing") or "pair")
    if sharing not in SHARING:
        raise Invalid("Choose who may see this story.")
    return {
        "headline": headline,
        "notes": clean(form.get("notes"), "story_notes", "The notes", required=False,
                       multiline=True),
        "enablers": clean(form.get("enablers"), "story_field", "What made it possible",
                          required=False, multiline=True),
        "values": clean(form.get("values"), "story_field", "What we value", required=False,
                        multiline=True),
        "wishes": clean(form.get("wishes"), "story_field", "Wishes", required=False,
                        multiline=True),
        "quote": clean(form.get("quote"), "quote", "The quote", required=False, multiline=True),
        "sharing": sharing,
    }


def _recording(key: str, group_id: int, teller_position: int) -> str:
    return authorship.slot(key, f"recorded:{group_id}:{teller_position}")


def _telling(key: str, group_id: int, position: int) -> str:
    return authorship.slot(key, f"told:{group_id}:{position}")


def save_story(rt: Runtime, actor: Actor, form: Mapping[str, object]) -> Story:
    """Create or update the story this interviewer is capturing about their partner."""
    require_member(actor)
    if not actor.is_participant:
        raise Forbidden("Stories are captured by the interview partners.")
    if not actor.author_key:
        raise Conflict("Please reload this page, then save the story again. Your notes are "
                       "still here.")
    fields = _story_fields(form)
    with rt.store.transaction() as db:
        key = _interview_key(db, rt, actor.workshop_id)
        pair = my_pair(db, actor.workshop_id, key, actor.participant_id)
        if pair is None or pair.partner_to_interview is None:
            raise Conflict("You need a partner before you can capture their story. Your notes "
                           "are still here.")
        teller = pair.partner_to_interview
        mine = _recording(actor.author_key, pair.group.id, teller.position)
        story = db.scalar(select(Story).where(Story.workshop_id == actor.workshop_id,
                                              Story.recorder_tag == mine))
        if story is None:
            # The teller's place stands in for them until their own phone seals it.
            story = Story(workshop_id=actor.workshop_id, activity_key=key,
                          group_id=pair.group.id, teller_position=teller.position,
                          recorder_tag=mine, quote_consent="none", hidden=False)
            db.add(story)
        quote_changed = fields["quote"] != story.quote
        for name, value in fields.items():
            setattr(story, name, value)
        if quote_changed:
            story.quote_consent = "pending" if story.quote else "none"
        story.updated_at = utcnow()
    rt.broadcaster.stories_changed(actor.workshop_id,
                                   [m.participant_id for m in pair.group.members])
    return story


def claim_told(rt: Runtime, me: Actor) -> None:
    """Seal, with my phone's key, the stories my partners wrote down about me, and forget
    which pair and place they came from: from then on only my phone finds them."""
    if not me.author_key or not me.participant_id:
        return
    with rt.store.transaction() as db:
        places = _my_places(db, me)
        if not places:
            return
        waiting = db.scalars(select(Story).where(
            Story.workshop_id == me.workshop_id,
            Story.group_id.in_([group for group, _position in places])))
        for story in waiting:
            if (story.group_id, story.teller_position) in places:
                story.teller_tag = _telling(me.author_key, story.group_id, story.teller_position)
                story.group_id = story.teller_position = None


def forget_unclaimed(db: Session, workshop_id: int) -> None:
    """When the room moves on: a story whose teller's phone never sealed it forgets its pair
    and place too, so no story stays linked to a person."""
    db.execute(update(Story).where(Story.workshop_id == workshop_id,
                                   Story.group_id.is_not(None))
               .values(group_id=None, teller_position=None))


def _my_places(db: Session, me: Actor) -> set[tuple[int, int]]:
    """(group, position) of every interview group I am in."""
    return {(group, position) for group, position in db.execute(
        select(PairMember.group_id, PairMember.position)
        .join(PairGroup, PairGroup.id == PairMember.group_id)
        .where(PairGroup.workshop_id == me.workshop_id,
               PairMember.participant_id == me.participant_id))}


def _my_slots(db: Session, me: Actor) -> tuple[dict[str, int], dict[str, int]]:
    """The seals my stories would carry: as the one who wrote it down, and as the teller;
    each mapped to its pair group."""
    recorded: dict[str, int] = {}
    told: dict[str, int] = {}
    if not me.author_key:
        return recorded, told
    places = _my_places(db, me)
    sizes = dict(db.execute(select(PairMember.group_id, func.count()).where(
        PairMember.group_id.in_([g for g, _p in places])).group_by(PairMember.group_id)).all())
    for group, position in places:
        told[_telling(me.author_key, group, position)] = group
        for other in range(max(sizes.get(group, 0), 2)):
            if other != position:
                recorded[_recording(me.author_key, group, other)] = group
    return recorded, told


def answer_quote(rt: Runtime, actor: Actor, story_id: object, agree: bool) -> None:
    """The teller agrees (or not) to the quote their interviewer wrote down."""
    require_member(actor)
    with rt.store.transaction() as db:
        story = _story(db, actor, story_id)
        _recorded, told = _my_slots(db, actor)
        if story.teller_tag not in told:
            raise Forbidden("Only the person who told the story can answer for the quote.")
        if story.quote_consent != "pending":
            raise Conflict("There is no quote waiting for your answer.")
        story.quote_consent = "given" if agree else "declined"
        group = told[story.teller_tag]
    rt.broadcaster.stories_changed(actor.workshop_id, group_member_ids_of(rt, group))


def group_member_ids_of(rt: Runtime, group_id: int) -> list[str]:
    with rt.store.reading() as db:
        return group_member_ids(db, group_id)


def _story(db: Session, actor: Actor, story_id: object) -> Story:
    story = db.get(Story, record_id(story_id))
    if story is None or story.workshop_id != actor.workshop_id:
        raise NotFound("That story is no longer there.")
    return story


def room_stories(db: Session, workshop_id: int, *, include_hidden: bool = False) -> list[StoryView]:
    """Stories shared with the room (or the report), newest last."""
    query = select(Story).where(Story.workshop_id == workshop_id,
                                Story.sharing.in_(("room", "report")))
    if not include_hidden:
        query = query.where(Story.hidden.is_(False))
    return [StoryView(s) for s in db.scalars(query.order_by(Story.id))]


def stories_for_member(db: Session, me: Actor) -> list[StoryView]:
    """The stories this person captured or told, whatever their sharing level."""
    recorded, told = _my_slots(db, me)
    if not recorded and not told:
        return []
    return [StoryView(s, s.recorder_tag in recorded) for s in db.scalars(
        select(Story).where(Story.workshop_id == me.workshop_id,
                            or_(Story.recorder_tag.in_(list(recorded)),
                                Story.teller_tag.in_(list(told))))
        .order_by(Story.id))]


def pending_quotes(db: Session, me: Actor) -> list[Story]:
    """Quotes waiting for this teller's answer."""
    _recorded, told = _my_slots(db, me)
    if not told:
        return []
    return list(db.scalars(select(Story).where(
        Story.workshop_id == me.workshop_id, Story.teller_tag.in_(list(told)),
        Story.quote_consent == "pending")))


def group_member_ids(db: Session, group_id: int | None) -> list[str]:
    if group_id is None:
        return []
    return list(db.scalars(select(PairMember.participant_id)
                           .where(PairMember.group_id == group_id)))


@parts.room(kinds.INTERVIEW)
def _interviews_in_room(db: Session, workshop: Workshop, _plan: Plan, activity: Activity,
                        _settings: ActivityState | None) -> dict[str, Any]:
    """The stories shared with the room; what counts is how many stories were captured."""
    return {"stories": room_stories(db, workshop.id),
            "counted": db.scalar(select(func.count(Story.id)).where(
                Story.workshop_id == workshop.id, Story.activity_key == activity.key)) or 0}


@parts.facilitator(kinds.INTERVIEW)
def _pairs_for_the_facilitator(db: Session, room: Any) -> dict[str, Any]:
    """This round's pairs, how many connected people wait for a partner, hidden stories."""
    workshop_id, key = room.workshop.id, room.activity.key
    groups = groups_of_round(db, workshop_id, key, current_round(db, workshop_id, key))
    paired = {m.participant_id for g in groups for m in g.members}
    unpaired = db.scalar(select(func.count()).where(
        Participant.workshop_id == workshop_id, Participant.connections > 0,
        Participant.id.not_in(paired) if paired else True)) or 0
    hidden = list(db.scalars(select(Story).where(
        Story.workshop_id == workshop_id, Story.activity_key == key, Story.hidden.is_(True))))
    return {"groups": groups, "unpaired_present": unpaired, "hidden_stories": hidden}


@parts.mine(kinds.INTERVIEW)
def _my_interview(db: Session, room: Any, me: Actor) -> dict[str, Any]:
    """My pair, the stories I capture or tell, the one I am writing down now, and quotes
    waiting for my yes or no."""
    pair = my_pair(db, room.workshop.id, room.activity.key, me.participant_id or "")
    mine = stories_for_member(db, me)
    writing = None
    if pair is not None and pair.partner_to_interview is not None and me.author_key:
        now = _recording(me.author_key, pair.group.id, pair.partner_to_interview.position)
        writing = next((v.story for v in mine if v.story.recorder_tag == now), None)
    return {"pair": pair, "my_stories": mine, "my_story": writing,
            "quotes_to_answer": pending_quotes(db, me)}
