"""Workshops full of the method's artefacts, written straight through the ORM.

The services for stories, themes, votes, propositions and commitments are built elsewhere;
these rows follow the schema's meaning exactly, so the report can be tested (and benchmarked)
on every kind of data a real workshop produces.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy.orm import Session

from facilitation.services import Runtime, authorship
from facilitation.services import workshops as workshop_service
from facilitation.services.access import new_participant_id
from facilitation.store.models import (
    ActionTeam,
    ActionTeamMember,
    ActivityState,
    Commitment,
    Contribution,
    DesignArea,
    ItemTheme,
    PairGroup,
    PairMember,
    Participant,
    Proposition,
    PropositionRevision,
    PulseResponse,
    Story,
    SuggestionDecision,
    Theme,
    ThemeHistory,
    ThemeLink,
    Vote,
    Workshop,
)

PLAN = "at-our-best-with-each-other"


@dataclass
class SmallWorkshop:
    """Known content with a marker for every rule the report must keep."""

    workshop_id: int
    code: str
    key: str
    participant_ids: list[str] = field(default_factory=list)
    #: text that must appear in the full report (and in the public one unless listed below)
    shown: list[str] = field(default_factory=list)
    #: text that appears in the full report but never in the public one
    full_only: list[str] = field(default_factory=list)
    #: text that must never appear in any report or summary
    never: list[str] = field(default_factory=list)


def _participant(db: Session, workshop_id: int, name: str | None = None) -> str:
    participant_id = new_participant_id()
    db.add(Participant(id=participant_id, workshop_id=workshop_id, display_name=name))
    return participant_id


def _took_part(db: Session, workshop_id: int, activity_key: str, who: str,
               counting: str = authorship.ITEMS) -> None:
    """What the services count for a person who added something (services.authorship)."""
    db.flush()
    authorship.count(db, workshop_id, activity_key, who, +1, counting)


def _vote(db: Session, workshop_id: int, activity_key: str, voter: str, target_type: str,
          target_id: int) -> None:
    """One dot, as unlinked as the services store it."""
    db.add(Vote(workshop_id=workshop_id, activity_key=activity_key, target_type=target_type,
                target_id=target_id))
    _took_part(db, workshop_id, activity_key, voter, authorship.DOTS)


def seed_small(rt: Runtime) -> SmallWorkshop:
    """One closed workshop whose every row tests a rule (names in Welsh, Polish, Arabic and
    Chinese, emoji, hidden items, every sharing level and consent)."""
    workshop, key = workshop_service.create(rt, PLAN, "Ward 7: at our best with each other")
    seed = SmallWorkshop(workshop.id, workshop.code, key)
    with rt.store.transaction() as db:
        w = db.get(Workshop, workshop.id)
        w.organisation = "Bwrdd Iechyd Prifysgol: gŵyl a chŷn"
        w.facilitator_name = "Zofia Łukasiewicz"
        w.phase = "closed"
        w.next_review_date = date(2026, 3, 12)
        named = _participant(db, w.id, "Dafydd ap Gwilym")  # gave a name, in anonymous activities
        anonymous = _participant(db, w.id)
        teller = _participant(db, w.id, "Siân Ŵyn")
        chinese = _participant(db, w.id, "王小明")
        eluned = _participant(db, w.id, "Eluned Parry")
        seed.participant_ids = [named, anonymous, teller, chinese, eluned]
        db.flush()

        def card(activity: str, phase: str, body: str, who: str, author: str | None = None,
                 hidden: bool = False) -> Contribution:
            contribution = Contribution(
                workshop_id=w.id, participant_id=who, phase=phase, activity_key=activity,
                body=body, author_name=author, client_id=new_participant_id(), hidden=hidden)
            db.add(contribution)
            _took_part(db, w.id, activity, who)
            return contribution

        # A name stored on a card of an anonymous activity must still never be shown.
        card("arrival-hopes", "define", "Hopeful – arriving after nights 🌙", named,
             author="Dafydd ap Gwilym")
        card("our-commitments", "deliver", "I will bring the tea to every huddle", eluned,
             author="Eluned Parry")
        card("topic-framing", "define", "A warm welcome at handover, every shift", anonymous)
        card("topic-framing", "define", "HIDDEN-CARD rude words here", anonymous, hidden=True)
        welcome = card("share-what-you-heard", "discover", "Zofia stayed late for a new starter",
                       named)
        dream_top = card("team-dream", "dream", "We greet every bank colleague by name 🌟", named)
        dream_next = card("team-dream", "dream", "نحن نرحب بالجميع – we welcome everyone", teller)
        card("team-dream", "dream", "HIDDEN-DREAM that was taken down", anonymous, hidden=True)

        def story(headline: str, sharing: str, consent: str, quote: str | None,
                  hidden: bool = False) -> Story:
            row = Story(workshop_id=w.id, activity_key="best-of-us-interview",
                        headline=headline,
                        notes="NOTES-NEVER-SHOWN", quote=quote, quote_consent=consent,
                        sharing=sharing, hidden=hidden)
            db.add(row)
            db.flush()
            return row

        report_story = story("REPORT-STORY: the night the team covered for Ana", "report",
                             "given", "REPORT-QUOTE: nobody was left on their own")
        room_story = story("ROOM-STORY: a thank-you card from a family", "room", "given",
                           "ROOM-QUOTE: I felt I belonged")
        declined = story("DECLINED-STORY: learning together after a fall", "report", "declined",
                         "DECLINED-QUOTE must not show")
        pending = story("PENDING-STORY: huddles that include everyone", "report", "pending",
                        "PENDING-QUOTE must not show")
        pair_only = story("PAIR-ONLY-STORY kept between two people", "pair", "given",
                          "PAIR-QUOTE must not show")
        hidden_story = story("HIDDEN-STORY taken down", "report", "given", "HIDDEN-QUOTE",
                             hidden=True)

        backs = Theme(workshop_id=w.id, name="We have each other's backs", position=0,
                      description="Cover, check in, never leave anyone alone")
        welcome_theme = Theme(workshop_id=w.id, name="Croeso: a real welcome", position=1)
        db.add_all([backs, welcome_theme])
        db.flush()
        for theme, item_type, item in [
                (backs, "story", report_story), (backs, "story", room_story),
                (backs, "story", pair_only), (backs, "story", hidden_story),
                (backs, "contribution", welcome), (welcome_theme, "story", declined),
                (welcome_theme, "story", pending)]:
            db.add(ThemeLink(theme_id=theme.id, item_type=item_type, item_id=item.id))
        db.add(ItemTheme(item_type="contribution", item_id=dream_top.id, theme_id=welcome_theme.id))
        db.add(ThemeHistory(workshop_id=w.id, action="group", snapshot='{"themes": []}'))
        db.add(SuggestionDecision(workshop_id=w.id, signature="abc123", decision="accepted"))
        group = PairGroup(workshop_id=w.id, activity_key="best-of-us-interview", round=1)
        db.add(group)
        db.flush()
        db.add_all([PairMember(group_id=group.id, participant_id=named, position=0),
                    PairMember(group_id=group.id, participant_id=teller, position=1)])

        for voter in (named, anonymous, teller):
            _vote(db, w.id, "team-dream", voter, "contribution", dream_top.id)
        _vote(db, w.id, "team-dream", chinese, "contribution", dream_next.id)
        # The facilitator showed the room both votes' dots, so the report may show them too.
        db.add_all([ActivityState(workshop_id=w.id, activity_key=key, revealed=True)
                    for key in ("team-dream", "possibility-statements")])

        area = DesignArea(workshop_id=w.id, activity_key="possibility-statements",
                          name="How we welcome new, bank and agency colleagues", position=0)
        db.add(area)
        db.flush()
        proposition = Proposition(
            workshop_id=w.id, activity_key="possibility-statements", design_area_id=area.id,
            theme_id=welcome_theme.id, story_id=report_story.id,
            text="We welcome every new colleague with a buddy on their first shift")
        hidden_proposition = Proposition(
            workshop_id=w.id, activity_key="possibility-statements", design_area_id=area.id,
            text="HIDDEN-PROPOSITION", hidden=True)
        db.add_all([proposition, hidden_proposition])
        _took_part(db, w.id, "possibility-statements", anonymous)
        db.add(PropositionRevision(proposition_id=proposition.id, version=1,
                                   text="We welcome new colleagues"))
        for voter in (named, teller, chinese):
            _vote(db, w.id, "possibility-statements", voter, "proposition", proposition.id)

        db.add_all([
            Commitment(workshop_id=w.id, activity_key="our-commitments", kind="personal",
                       what="Learn every bank colleague's name", owner_name="مريم حداد",
                       helpers="Gwenllian", due_date=date(2026, 2, 27),
                       first_step="Ask the rota for this week's bank staff",
                       first_step_due=date(2026, 2, 3), support_needed="A name board",
                       how_we_know="Bank staff say they felt welcome",
                       proposition_id=proposition.id, participant_id=teller),
            Commitment(workshop_id=w.id, activity_key="our-commitments", kind="team",
                       what="=HYPERLINK(\"http://x\") buddy rota for starters",
                       owner_name="Łucja Wróbel", due_date=date(2026, 3, 31),
                       first_step="Draft the rota", first_step_due=date(2026, 2, 6),
                       participant_id=named),
            Commitment(workshop_id=w.id, activity_key="our-commitments",
                       what="HIDDEN-COMMITMENT", due_date=date(2026, 4, 1),
                       first_step="none", first_step_due=date(2026, 2, 1), hidden=True),
        ])
        team = ActionTeam(workshop_id=w.id, name="Welcome team", purpose="Make day one easy",
                          proposition_id=proposition.id)
        db.add(team)
        db.flush()
        db.add_all([ActionTeamMember(team_id=team.id, participant_id=chinese,
                                     display_name="王小明"),
                    ActionTeamMember(team_id=team.id, participant_id=anonymous)])
        for who, answers, word in [(named, (5, 4, 5, 4), "Hopeful"),
                                   (anonymous, (4, 4, 3, 5), "hopeful"),
                                   (teller, (5, 5, 5, 5), "Diolch")]:
            _took_part(db, w.id, "check-out", who)
            db.add(PulseResponse(workshop_id=w.id, activity_key="check-out",
                                 answer_1=answers[0], answer_2=answers[1], answer_3=answers[2],
                                 answer_4=answers[3], word=word))
        # The facilitator showed the room its check-out, so the report may show it too.
        db.add(ActivityState(workshop_id=w.id, activity_key="check-out", revealed=True))

    seed.shown = [
        "Ward 7: at our best with each other", "Bwrdd Iechyd Prifysgol: gŵyl a chŷn",
        "Zofia Łukasiewicz", "We have each other's backs", "Croeso: a real welcome",
        "REPORT-STORY: the night the team covered for Ana",
        "REPORT-QUOTE: nobody was left on their own", "DECLINED-STORY", "PENDING-STORY",
        "We greet every bank colleague by name 🌟", "نحن نرحب بالجميع",
        "We welcome every new colleague with a buddy on their first shift",
        "Learn every bank colleague's name", "مريم حداد", "Łucja Wróbel", "Welcome team",
        "王小明", "Diolch", "Hopeful",
    ]
    seed.full_only = ["ROOM-STORY: a thank-you card from a family", "ROOM-QUOTE: I felt I belonged",
                      "A warm welcome at handover, every shift", "Hopeful – arriving after nights",
                      "I will bring the tea to every huddle", "Eluned Parry"]
    seed.never = ["HIDDEN-CARD", "HIDDEN-DREAM", "HIDDEN-STORY", "HIDDEN-QUOTE",
                  "HIDDEN-PROPOSITION", "HIDDEN-COMMITMENT", "PAIR-ONLY-STORY", "PAIR-QUOTE",
                  "DECLINED-QUOTE", "PENDING-QUOTE", "NOTES-NEVER-SHOWN", "Dafydd ap Gwilym",
                  "Siân Ŵyn", *seed.participant_ids]
    return seed


_WORDS = ["team", "shift", "ward", "handover", "patient", "family", "welcome", "kindness",
          "listened", "thanked", "covered", "huddle", "night", "rota", "colleague", "nurse",
          "porter", "doctor", "bank", "agency", "learning", "noticed", "helped", "fair", "voice",
          "trust", "calm", "safe", "proud", "laugh", "tea", "break", "together", "student",
          "mentor"]


#: words per card, as people write them on phones: a word on arrival, a headline, a dream
_CARD_WORDS = {"arrival-hopes": (1, 6), "topic-framing": (4, 14),
               "share-what-you-heard": (5, 12), "team-dream": (10, 28)}


def _sentence(rng: random.Random, low: int = 8, high: int = 24) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return (" ".join(words)).capitalize() + "."


class LargeWorkshop(NamedTuple):
    workshop_id: int
    code: str
    key: str


def seed_large(rt: Runtime, participants: int = 60, contributions: int = 1000,
               seed: int = 5) -> LargeWorkshop:
    """A full-day workshop at scale: ``contributions`` cards across every activity, a story
    per participant, eight themes, ranked dreams and propositions, a commitment each."""
    rng = random.Random(seed)
    workshop, key = workshop_service.create(rt, PLAN, "Emergency department away day")
    plan = rt.plans[PLAN]
    card_activities = [a for phase in plan.phases.values() for a in phase.activities
                       if a.kind in ("wall", "dreams")]
    with rt.store.transaction() as db:
        w = db.get(Workshop, workshop.id)
        w.organisation, w.facilitator_name = "St Elsewhere NHS Trust", "Amira Haddad"
        w.phase = "closed"
        w.next_review_date = date(2026, 6, 1)
        people = [_participant(db, w.id, rng.choice([None, f"Person {n}"]))
                  for n in range(participants)]
        db.flush()
        cards = []
        for n in range(contributions):
            activity = card_activities[n % len(card_activities)]
            cards.append(Contribution(
                workshop_id=w.id, participant_id=rng.choice(people), phase=activity.phase,
                activity_key=activity.key, body=_sentence(rng, *_CARD_WORDS[activity.key]),
                client_id=f"bench-{n:06d}",
                hidden=rng.random() < 0.02))
        db.add_all(cards)
        db.flush()
        # what the services count for each writer, anonymous activities included
        written = Counter((card.activity_key, card.participant_id) for card in cards)
        for (activity_key, who), number in written.items():
            authorship.count(db, w.id, activity_key, who, number)
        stories = [Story(workshop_id=w.id, activity_key="best-of-us-interview",
                         headline=_sentence(rng, 5, 11), notes=_sentence(rng), quote=_sentence(rng),
                         quote_consent=rng.choice(["given", "given", "declined", "none"]),
                         sharing=rng.choice(["report", "report", "room", "pair"]))
                   for n in range(participants)]
        db.add_all(stories)
        themes = [Theme(workshop_id=w.id, name=_sentence(rng, 2, 5)[:-1], position=n,
                        description=_sentence(rng)) for n in range(8)]
        db.add_all(themes)
        db.flush()
        for n, story in enumerate(stories):
            db.add(ThemeLink(theme_id=themes[n % 8].id, item_type="story", item_id=story.id))
        for n, contribution in enumerate(cards[:200]):
            db.add(ThemeLink(theme_id=themes[n % 8].id, item_type="contribution",
                             item_id=contribution.id))
        dreams = [c for c in cards if c.activity_key == "team-dream"]
        for voter in people:
            for target in rng.sample(dreams, 3):
                _vote(db, w.id, "team-dream", voter, "contribution", target.id)
        areas = [DesignArea(workshop_id=w.id, activity_key="possibility-statements", name=name,
                            position=n)
                 for n, name in enumerate(plan.activity("possibility-statements").design_areas)]
        db.add_all(areas)
        db.flush()
        propositions = [Proposition(workshop_id=w.id, activity_key="possibility-statements",
                                    design_area_id=areas[n % len(areas)].id,
                                    theme_id=themes[n % 8].id, text="We " + _sentence(rng).lower())
                        for n in range(24)]
        db.add_all(propositions)
        for _statement in propositions:
            _took_part(db, w.id, "possibility-statements", rng.choice(people))
        db.flush()
        for voter in people:
            for target in rng.sample(propositions, 3):
                _vote(db, w.id, "possibility-statements", voter, "proposition", target.id)
        start = date(2026, 5, 1)
        for n, person in enumerate(people):
            db.add(Commitment(
                workshop_id=w.id, activity_key="our-commitments",
                kind="team" if n % 5 == 0 else "personal", what=_sentence(rng),
                owner_name=f"Person {n}", due_date=start + timedelta(days=n % 40),
                first_step=_sentence(rng, 4, 10), first_step_due=start,
                support_needed=_sentence(rng, 3, 8), how_we_know=_sentence(rng, 4, 10),
                proposition_id=propositions[n % 24].id, participant_id=person))
        teams = [ActionTeam(workshop_id=w.id, name=f"Action team {n + 1}",
                            purpose=_sentence(rng), proposition_id=propositions[n].id)
                 for n in range(6)]
        db.add_all(teams)
        db.flush()
        for n, person in enumerate(people):
            db.add(ActionTeamMember(team_id=teams[n % 6].id, participant_id=person,
                                    display_name=rng.choice([None, f"Person {n}"])))
        for person in people[: participants - 5]:
            _took_part(db, w.id, "check-out", person)
            db.add(PulseResponse(workshop_id=w.id, activity_key="check-out",
                                 answer_1=rng.randint(3, 5), answer_2=rng.randint(2, 5),
                                 answer_3=rng.randint(3, 5), answer_4=rng.randint(1, 5),
                                 word=rng.choice(["hopeful", "tired", "proud", "calm", "Diolch"])))
        db.add_all([ActivityState(workshop_id=w.id, activity_key=key, revealed=True)
                    for key in ("check-out", "team-dream", "possibility-statements")])
    return LargeWorkshop(workshop.id, workshop.code, key)
