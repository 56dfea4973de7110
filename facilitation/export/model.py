"""The outcome report as plain data, read from the database in one place.

Every human-facing format (preview, PDF, Markdown, CSV, calendar) is drawn from a Report built
here, so the rules about what may be shown live only in this module:

* hidden items never appear;
* a name appears only where the person gave it in an activity that is not anonymous
  (``Contribution.author_name``), as a commitment's owner, or as an action team member's
  chosen name; participant ids, story tellers and recorders never appear;
* a story shared only with the pair never appears; one shared with the room appears in the
  "full" report; one shared for the report appears in both;
* a quote appears only where its teller consented and its story may appear;
* the "public" report also leaves out the cards, which people wrote for the room (the
  appendix, and the cards under each theme); it keeps the group's conclusions (themes,
  dreams, propositions, commitments) and counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import cycle, kinds
from ..plans import Activity, InterviewQuestion, Plan
from ..services import Runtime, authorship
from ..services.errors import Invalid, NotFound
from ..services.pulse import MIN_RESPONSES
from ..small_numbers import FEWEST
from ..store.models import (
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
    PulseResponse,
    Story,
    Theme,
    ThemeLink,
    Vote,
    Workshop,
)
from ..store.models import Participation as ParticipationRow

AUDIENCES = ("full", "public")
# The first page is the one people read: it keeps to what fits on it; the rest follows.
FIRST_PAGE_THEMES = 5
FIRST_PAGE_PROPOSITIONS = 5
FIRST_PAGE_COMMITMENTS = 5
_STORY_SHARING = {"full": {"room", "report"}, "public": {"report"}}


@dataclass(frozen=True)
class Cover:
    title: str
    topic_title: str
    topic_question: str
    organisation: str | None
    facilitator_name: str | None
    held_on: date
    plan_title: str
    code: str
    phase_label: str
    in_progress: bool


@dataclass(frozen=True)
class PhaseCount:
    label: str
    people: int


@dataclass(frozen=True)
class Participation:
    joined: int
    by_phase: tuple[PhaseCount, ...]


@dataclass(frozen=True)
class ActivityOutline:
    """One activity as it was asked, for 'How we worked'."""

    phase_label: str
    title: str
    prompt: str
    questions: tuple[InterviewQuestion, ...]


@dataclass(frozen=True)
class Card:
    text: str
    author: str | None


@dataclass(frozen=True)
class ThemeSection:
    name: str
    description: str | None
    headlines: tuple[str, ...]
    quotes: tuple[str, ...]
    card_count: int
    cards: tuple[Card, ...] = ()  # the cards themselves: the full report only

    @property
    def weight(self) -> int:
        """How much the room brought to this theme: its stories and cards."""
        return len(self.headlines) + self.card_count


@dataclass(frozen=True)
class Discover:
    themes: tuple[ThemeSection, ...]
    other_headlines: tuple[str, ...]
    other_quotes: tuple[str, ...]


@dataclass(frozen=True)
class Dream:
    text: str
    author: str | None
    votes: int | None  # None: the room was not shown the dots, so neither is the report
    themes: tuple[str, ...]


@dataclass(frozen=True)
class PropositionItem:
    text: str
    theme: str | None
    story: str | None
    votes: int | None  # None: the room was not shown the dots, so neither is the report


@dataclass(frozen=True)
class DesignAreaSection:
    name: str
    propositions: tuple[PropositionItem, ...]


@dataclass(frozen=True)
class CommitmentRow:
    ref: int  # the commitment's number in the database, so calendar entries stay stable
    kind: str
    what: str
    owner: str | None
    helpers: str | None
    due_date: date
    first_step: str
    first_step_due: date
    support_needed: str | None
    how_we_know: str | None
    proposition: str | None


@dataclass(frozen=True)
class ActionTeamSection:
    name: str
    purpose: str | None
    proposition: str | None
    member_names: tuple[str, ...]
    unnamed_members: int


@dataclass(frozen=True)
class PulseQuestion:
    text: str
    responses: int
    average: float | None
    distribution: tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Pulse:
    """A check-out as the room saw it: its answers only once revealed and drawn from at least
    ``pulse.MIN_RESPONSES`` people; else how many answered, or that fewer than that did."""

    title: str
    responses: int
    questions: tuple[PulseQuestion, ...]
    words: tuple[tuple[str, int], ...]
    revealed: bool = True

    @property
    def few(self) -> bool:
        """Fewer people answered than may be counted without singling someone out."""
        return self.responses < MIN_RESPONSES

    @property
    def shown(self) -> bool:
        return self.revealed and not self.few


@dataclass(frozen=True)
class AppendixActivity:
    phase_label: str
    title: str
    cards: tuple[Card, ...]
    #: the dreams are already listed in full, with votes, in the Dream section: not twice
    in_dream_section: int = 0
    #: cards already shown under their theme in Discover: not twice either
    under_themes: int = 0


@dataclass(frozen=True)
class Report:
    """Everything one audience may read about one workshop, in the order of the cycle."""

    audience: str
    generated_on: date
    cover: Cover
    participation: Participation
    agreements: tuple[str, ...]
    activities: tuple[ActivityOutline, ...]
    discover: Discover
    dreams: tuple[Dream, ...]
    design_areas: tuple[DesignAreaSection, ...]
    commitments: tuple[CommitmentRow, ...]
    action_teams: tuple[ActionTeamSection, ...]
    next_review_date: date | None
    pulses: tuple[Pulse, ...]
    appendix: tuple[AppendixActivity, ...] | None

    @property
    def is_public(self) -> bool:
        return self.audience == "public"

    # --- what the first page shows --------------------------------------------------------
    @property
    def top_themes(self) -> tuple[ThemeSection, ...]:
        """The themes with the most stories and cards behind them (ties: the room's order)."""
        ranked = sorted(self.discover.themes, key=lambda theme: -theme.weight)
        return tuple(ranked[:FIRST_PAGE_THEMES])

    @property
    def top_propositions(self) -> tuple[PropositionItem, ...]:
        """The propositions with the most dots first (all areas; ties: the report's order)."""
        every = [p for area in self.design_areas for p in area.propositions]
        return tuple(sorted(every, key=lambda p: -(p.votes or 0))[:FIRST_PAGE_PROPOSITIONS])

    @property
    def first_commitments(self) -> tuple[CommitmentRow, ...]:
        """The soonest commitments (they are stored soonest first)."""
        return self.commitments[:FIRST_PAGE_COMMITMENTS]


def check_audience(audience: object) -> str:
    """'full' (for the team) or 'public' (for circulation); anything else is refused."""
    if audience not in AUDIENCES:
        raise Invalid("Choose the full report (for the team) or the public one.")
    return str(audience)


def build_report(rt: Runtime, workshop_id: int, audience: str = "full") -> Report:
    """Read the workshop and keep what ``audience`` may see (rules: module docstring)."""
    audience = check_audience(audience)
    with rt.store.reading() as db:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            raise NotFound("This workshop no longer exists.")
        plan = rt.plan_for(workshop.plan_name)
        return _Builder(db, workshop, plan, audience).report()


class _Builder:
    """Reads each kind of row once and assembles the sections."""

    def __init__(self, db: Session, workshop: Workshop, plan: Plan, audience: str) -> None:
        self.db, self.workshop, self.plan, self.audience = db, workshop, plan, audience
        wid = workshop.id
        self.contributions = self._all(Contribution, wid)
        self.stories = self._all(Story, wid)
        self.themes = sorted(self._all(Theme, wid), key=lambda t: (t.position, t.id))
        self.votes = self._all(Vote, wid)
        self.propositions = self._all(Proposition, wid)
        self.commitments = self._all(Commitment, wid)
        theme_ids = [theme.id for theme in self.themes]
        self.links = list(db.scalars(select(ThemeLink).where(ThemeLink.theme_id.in_(theme_ids))))
        self.item_themes = list(db.scalars(select(ItemTheme).where(
            ItemTheme.theme_id.in_(theme_ids))))
        self.theme_names = {theme.id: theme.name for theme in self.themes}
        self.shown_contributions = {c.id: c for c in self.contributions if not c.hidden}
        self.shown_stories = {s.id: s for s in self.stories if self._story_shown(s)}
        self.shown_propositions = {p.id: p for p in self.propositions if not p.hidden}
        # Dots count only where the facilitator showed the room the results, and only where
        # at least FEWEST people placed them (votes.tallies: the same rule as the room's).
        self.revealed = {key for key in self.db.scalars(select(ActivityState.activity_key).where(
            ActivityState.workshop_id == wid, ActivityState.revealed.is_(True)))
            if authorship.people(db, wid, key, authorship.DOTS) >= FEWEST}
        self.vote_counts = Counter((v.target_type, v.target_id) for v in self.votes
                                   if v.activity_key in self.revealed)

    def _all(self, model: type, workshop_id: int) -> list:
        return list(self.db.scalars(select(model).where(model.workshop_id == workshop_id)
                                    .order_by(model.id)))

    # --- the audience rules -------------------------------------------------------------
    def _story_shown(self, story: Story) -> bool:
        return not story.hidden and story.sharing in _STORY_SHARING[self.audience]

    def _quote(self, story: Story) -> str | None:
        """Only stories already shown can give a quote, and only with the teller's consent."""
        if story.id in self.shown_stories and story.quote_consent == "given" and story.quote:
            return story.quote
        return None

    def _author(self, contribution: Contribution) -> str | None:
        """A name only where the activity asked for names (an unknown activity is anonymous)."""
        activity = self.plan.activity(contribution.activity_key)
        if activity is None or activity.anonymous:
            return None
        return contribution.author_name or None

    # --- sections -----------------------------------------------------------------------
    def report(self) -> Report:
        return Report(
            audience=self.audience,
            generated_on=date.today(),
            cover=self._cover(),
            participation=self._participation(),
            agreements=self.plan.agreements,
            activities=tuple(self._outline(a) for a in self._activities()),
            discover=self._discover(),
            dreams=self._dreams(),
            design_areas=self._design(),
            commitments=self._commitments(),
            action_teams=self._action_teams(),
            next_review_date=self.workshop.next_review_date,
            pulses=self._pulses(),
            appendix=None if self.audience == "public" else self._appendix(),
        )

    def _activities(self) -> Iterable[Activity]:
        for phase_key in cycle.METHOD_PHASES:
            yield from self.plan.phases[phase_key].activities

    def _cover(self) -> Cover:
        w = self.workshop
        return Cover(
            title=w.title, topic_title=w.topic_title, topic_question=w.topic_question,
            organisation=w.organisation, facilitator_name=w.facilitator_name,
            held_on=_local_date(w.created_at), plan_title=self.plan.title, code=w.code,
            phase_label=cycle.phase(w.phase).label, in_progress=w.phase != "closed")

    def _phase_of(self, activity_key: str | None, default: str) -> str:
        activity = self.plan.activity(activity_key)
        return activity.phase if activity else default

    def _participation(self) -> Participation:
        """How many different people did anything in each phase (counts only, never who):
        what each person holds in each activity (never which rows), who was paired for the
        interviews, who made a commitment or joined a team. A card the facilitator hid
        still counts: its writer took part."""
        people: dict[str, set[str]] = defaultdict(set)

        def add(phase: str, *participant_ids: str | None) -> None:
            people[phase].update(p for p in participant_ids if p)

        for row in self.db.scalars(select(ParticipationRow).where(
                ParticipationRow.workshop_id == self.workshop.id, ParticipationRow.items > 0)):
            add(self._phase_of(row.activity_key, "discover"), row.participant_id)
        for activity_key, participant_id in self.db.execute(
                select(PairGroup.activity_key, PairMember.participant_id)
                .join(PairMember, PairMember.group_id == PairGroup.id)
                .where(PairGroup.workshop_id == self.workshop.id)):
            add(self._phase_of(activity_key, "discover"), participant_id)
        for c in self.commitments:
            add(self._phase_of(c.activity_key, "deliver"), c.participant_id)
        team_ids = [team.id for team in self._all(ActionTeam, self.workshop.id)]
        for m in self.db.scalars(select(ActionTeamMember).where(
                ActionTeamMember.team_id.in_(team_ids))):
            add("deliver", m.participant_id)
        joined = len(list(self.db.scalars(select(Participant.id).where(
            Participant.workshop_id == self.workshop.id))))
        return Participation(joined, tuple(
            PhaseCount(cycle.phase(key).label, len(people[key])) for key in cycle.METHOD_PHASES))

    def _outline(self, activity: Activity) -> ActivityOutline:
        return ActivityOutline(cycle.phase(activity.phase).label, activity.title,
                               activity.prompt, activity.questions)

    def _discover(self) -> Discover:
        linked: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for link in self.links:
            linked[link.theme_id][link.item_type].append(link.item_id)
        sections = []
        themed_stories: set[int] = set()
        for theme in self.themes:
            story_ids = sorted(i for i in linked[theme.id]["story"] if i in self.shown_stories)
            themed_stories.update(story_ids)
            stories = [self.shown_stories[i] for i in story_ids]
            cards = [self.shown_contributions[i] for i in sorted(linked[theme.id]["contribution"])
                     if i in self.shown_contributions]
            sections.append(ThemeSection(
                name=theme.name, description=theme.description,
                headlines=tuple(s.headline for s in stories),
                quotes=tuple(q for s in stories if (q := self._quote(s))),
                card_count=len(cards),
                cards=() if self.audience == "public" else tuple(
                    Card(c.body, self._author(c)) for c in cards)))
        others = [s for i, s in sorted(self.shown_stories.items()) if i not in themed_stories]
        return Discover(tuple(sections), tuple(s.headline for s in others),
                        tuple(q for s in others if (q := self._quote(s))))

    def _dreams(self) -> tuple[Dream, ...]:
        dream_keys = {a.key for a in self._activities() if _dreams(a)}
        order = {theme.id: place for place, theme in enumerate(self.themes)}
        themes_of: dict[int, list[int]] = defaultdict(list)
        for item in self.item_themes:
            if item.item_type == "contribution":
                themes_of[item.item_id].append(item.theme_id)
        dreams = [Dream(c.body, self._author(c), self._votes("contribution", c.id, c.activity_key),
                        tuple(self.theme_names[t] for t in sorted(themes_of[c.id], key=order.get)))
                  for c in self.shown_contributions.values() if c.activity_key in dream_keys]
        return tuple(sorted(dreams, key=lambda d: -(d.votes or 0)))

    def _design(self) -> tuple[DesignAreaSection, ...]:
        areas = sorted(self._all(DesignArea, self.workshop.id), key=lambda a: (a.position, a.id))
        by_area: dict[int | None, list[Proposition]] = defaultdict(list)
        known_areas = {area.id for area in areas}
        for p in self.shown_propositions.values():
            by_area[p.design_area_id if p.design_area_id in known_areas else None].append(p)
        sections = [(area.name, by_area[area.id]) for area in areas]
        sections.append(("Other propositions", by_area[None]))
        return tuple(DesignAreaSection(name, tuple(sorted(
            (self._proposition(p) for p in items), key=lambda item: -(item.votes or 0))))
            for name, items in sections if items)

    def _votes(self, target_type: str, target_id: int, activity_key: str) -> int | None:
        """The dots an item got, if the room was shown them; before that, not even a zero."""
        if activity_key not in self.revealed:
            return None
        return self.vote_counts[(target_type, target_id)]

    def _proposition(self, p: Proposition) -> PropositionItem:
        story = self.shown_stories.get(p.story_id) if p.story_id else None
        return PropositionItem(p.text, self.theme_names.get(p.theme_id) if p.theme_id else None,
                               story.headline if story else None,
                               self._votes("proposition", p.id, p.activity_key))

    def _proposition_text(self, proposition_id: int | None) -> str | None:
        proposition = self.shown_propositions.get(proposition_id) if proposition_id else None
        return proposition.text if proposition else None

    def _commitments(self) -> tuple[CommitmentRow, ...]:
        shown = sorted((c for c in self.commitments if not c.hidden),
                       key=lambda c: (c.due_date, c.id))
        return tuple(CommitmentRow(
            ref=c.id, kind=c.kind, what=c.what, owner=c.owner_name or None,
            helpers=c.helpers or None,
            due_date=c.due_date, first_step=c.first_step, first_step_due=c.first_step_due,
            support_needed=c.support_needed or None, how_we_know=c.how_we_know or None,
            proposition=self._proposition_text(c.proposition_id)) for c in shown)

    def _action_teams(self) -> tuple[ActionTeamSection, ...]:
        sections = []
        for team in self._all(ActionTeam, self.workshop.id):
            members = list(self.db.scalars(select(ActionTeamMember).where(
                ActionTeamMember.team_id == team.id)))
            names = sorted(m.display_name for m in members if m.display_name)
            sections.append(ActionTeamSection(
                team.name, team.purpose, self._proposition_text(team.proposition_id),
                tuple(names), len(members) - len(names)))
        return tuple(sections)

    def _pulses(self) -> tuple[Pulse, ...]:
        """Averages, spreads and words: the check-out is never reported per person, nor
        before the room has seen it, nor when so few answered that it would be."""
        responses = self._all(PulseResponse, self.workshop.id)
        pulses = []
        for activity in self._activities():
            if kinds.of(activity) is not kinds.PULSE:
                continue
            answers = [r for r in responses if r.activity_key == activity.key]
            if not answers:
                continue
            settings = self.db.get(ActivityState, (self.workshop.id, activity.key))
            revealed = bool(settings and settings.revealed)
            if not revealed or len(answers) < MIN_RESPONSES:
                pulses.append(Pulse(activity.title, len(answers), (), (), revealed))
                continue
            questions = []
            for number, text in enumerate(activity.pulse_questions, start=1):
                values = [v for r in answers if 1 <= (v := getattr(r, f"answer_{number}")) <= 5]
                spread = Counter(values)
                questions.append(PulseQuestion(
                    text, len(values), round(sum(values) / len(values), 1) if values else None,
                    (spread[1], spread[2], spread[3], spread[4], spread[5])))
            pulses.append(Pulse(activity.title, len(answers), tuple(questions),
                                _word_counts(r.word for r in answers)))
        return tuple(pulses)

    def _appendix(self) -> tuple[AppendixActivity, ...]:
        """Every card not already in the report (under a theme, or as a dream), by activity."""
        themed = {link.item_id for link in self.links if link.item_type == "contribution"}
        by_activity: dict[str, list[Contribution]] = defaultdict(list)
        for c in self.shown_contributions.values():
            by_activity[c.activity_key].append(c)
        sections = []
        for a in self._activities():
            cards = by_activity.pop(a.key, [])
            label = cycle.phase(a.phase).label
            if _dreams(a):
                sections.append(AppendixActivity(label, a.title, (), len(cards)))
            else:
                rest = [c for c in cards if c.id not in themed]
                sections.append(AppendixActivity(
                    label, a.title, tuple(Card(c.body, self._author(c)) for c in rest),
                    under_themes=len(cards) - len(rest)))
        leftovers = [c for key in sorted(by_activity) for c in by_activity[key]
                     if c.id not in themed]
        if leftovers:  # from an activity the plan no longer has: shown, never attributed
            sections.append(AppendixActivity("Other", "Other cards",
                                             tuple(Card(c.body, None) for c in leftovers)))
        return tuple(s for s in sections if s.cards or s.in_dream_section or s.under_themes)


def _local_date(moment: datetime) -> date:
    """The workshop's date on this computer's calendar (stored in UTC; SQLite drops the zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def _word_counts(words: Iterable[str | None]) -> tuple[tuple[str, int], ...]:
    """Each word once with how many people chose it (case ignored), commonest first."""
    counts: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = defaultdict(Counter)
    for raw in words:
        word = " ".join((raw or "").split())
        if word:
            counts[word.casefold()] += 1
            spelling[word.casefold()][word] += 1
    shown = [(min(spelling[key].items(), key=lambda item: (-item[1], item[0]))[0], count)
             for key, count in counts.items()]
    return tuple(sorted(shown, key=lambda item: (-item[1], item[0].casefold())))


def _dreams(activity: Activity) -> bool:
    """Its cards are dreams: reported with their dots, not among every card."""
    kind = kinds.of(activity)
    return kind is not None and kind.cards_are_dreams
