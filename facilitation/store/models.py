"""The tables. Authorship is stored only where it is shown anyway (a named activity, a
commitment, an action team); anonymous rows hold a seal only the writer's phone can open and
no participant id or name at all (see services.authorship)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Timestamps are stored in UTC and shown in local time by the views."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Workshop(Base):
    __tablename__ = "workshops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    plan_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(120))
    topic_title: Mapped[str] = mapped_column(String(120))
    topic_question: Mapped[str] = mapped_column(String(500))
    organisation: Mapped[str | None] = mapped_column(String(120))
    facilitator_name: Mapped[str | None] = mapped_column(String(80))
    facilitator_key_hash: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(20), default="lobby")
    activity_key: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    next_review_date: Mapped[date | None] = mapped_column(Date)
    spotlight: Mapped[str | None] = mapped_column(String(40))
    # None: tables of about eight from a room-size threshold on; "tables" or "room" by choice.
    seating: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FacilitatorSession(Base):
    """A browser signed in as a workshop's facilitator (services.facilitator_sessions). The
    browser's cookie holds the random token; this row holds only its hash, so neither the
    cookie nor the database alone is a way in once the session has ended."""

    __tablename__ = "facilitator_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    # The facilitator key sealed with the token, so the facilitator's own pages can show
    # their private link while signed in; unreadable without the cookie's token.
    sealed_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (Index("ix_participants_workshop_table", "workshop_id", "table_label"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(40))
    # Given at join, so a big room is already seated when it needs to be (services.seating).
    table_label: Mapped[str | None] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Open live connections (tabs) of this person; > 0 means present in the room now.
    connections: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("workshop_id", "client_id", name="uq_contribution_client"),
                      Index("ix_contributions_wall_table", "workshop_id", "activity_key",
                            "table_label"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"))
    phase: Mapped[str] = mapped_column(String(20))
    activity_key: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(String(64))
    # The writer's seal (services.authorship): lets their phone, and nothing else, find it.
    owner_tag: Mapped[str | None] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # The table it was written at, so a seated room's table walls need no author, even for an
    # anonymous card; None (the facilitator's, or written before tables) belongs to every table.
    table_label: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActivityState(Base):
    """What the facilitator has set for one activity: timer, lock, reveal, dots."""

    __tablename__ = "activity_states"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             primary_key=True)
    activity_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set at the first reveal and never cleared: from then on no answer or dot may change,
    # or hiding, changing and showing again would tell the room one person's change.
    results_shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    dots: Mapped[int | None] = mapped_column(Integer)
    timer_seconds: Mapped[int | None] = mapped_column(Integer)
    timer_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    timer_elapsed: Mapped[int] = mapped_column(Integer, default=0)


class PairGroup(Base):
    """Two people (or three, when numbers are odd) interviewing each other."""

    __tablename__ = "pair_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    round: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    table_label: Mapped[str | None] = mapped_column(String(40))
    # Four digits a person can read to a colleague to pair up by choice.
    join_code: Mapped[str | None] = mapped_column(String(8))
    # Who asks now: the member at this position interviews the next one round the group.
    turn: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PairMember(Base):
    __tablename__ = "pair_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("pair_groups.id", ondelete="CASCADE"),
                                          primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Story(Base):
    """An interview story, captured by the interviewer about their partner.

    Neither person is stored: the interviewer's and the teller's seals let each phone find
    it. Until the teller's phone has sealed it, the pair group and the teller's place in it
    stand in for the teller (services.authorship)."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("pair_groups.id", ondelete="SET NULL"))
    teller_position: Mapped[int | None] = mapped_column(Integer)
    recorder_tag: Mapped[str | None] = mapped_column(String(64), index=True)
    teller_tag: Mapped[str | None] = mapped_column(String(64), index=True)
    headline: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    enablers: Mapped[str | None] = mapped_column(Text)
    values: Mapped[str | None] = mapped_column(Text)
    wishes: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    quote_consent: Mapped[str] = mapped_column(String(10), default="none")
    sharing: Mapped[str] = mapped_column(String(10), default="pair")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Theme(Base):
    """A life-giving force of the group's positive core."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(12), default="facilitator")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThemeLink(Base):
    """A card (contribution) or story grouped under a theme, so themes trace back."""

    __tablename__ = "theme_links"

    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"),
                                          primary_key=True)
    item_type: Mapped[str] = mapped_column(String(12), primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class ThemeHistory(Base):
    """The theme board before each change, so the facilitator can undo."""

    __tablename__ = "theme_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    action: Mapped[str] = mapped_column(String(40))
    snapshot: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SuggestionDecision(Base):
    """The facilitator accepted or rejected a suggested grouping (by its signature)."""

    __tablename__ = "suggestion_decisions"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             primary_key=True)
    signature: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision: Mapped[str] = mapped_column(String(10))


class ItemTheme(Base):
    """A dream statement (or other item) that builds on a theme of the positive core."""

    __tablename__ = "item_themes"

    item_type: Mapped[str] = mapped_column(String(12), primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"),
                                          primary_key=True)


class Vote(Base):
    """One dot, sealed by its voter. Totals stay hidden until the facilitator reveals them;
    how many dots each person has spent is in Participation."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    owner_tag: Mapped[str | None] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DesignArea(Base):
    __tablename__ = "design_areas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Proposition(Base):
    """A provocative proposition; ``version`` guards against silent overwrites."""

    __tablename__ = "propositions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    design_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("design_areas.id", ondelete="SET NULL"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Only in a named activity, where the name is shown anyway.
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"))
    owner_tag: Mapped[str | None] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PropositionRevision(Base):
    __tablename__ = "proposition_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposition_id: Mapped[int] = mapped_column(
        ForeignKey("propositions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Commitment(Base):
    """What someone will do, by when, with a first step within a week."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12), default="personal")
    what: Mapped[str] = mapped_column(Text)
    owner_name: Mapped[str | None] = mapped_column(String(80))
    helpers: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    first_step: Mapped[str] = mapped_column(Text)
    first_step_due: Mapped[date] = mapped_column(Date)
    support_needed: Mapped[str | None] = mapped_column(Text)
    how_we_know: Mapped[str | None] = mapped_column(Text)
    proposition_id: Mapped[int | None] = mapped_column(
        ForeignKey("propositions.id", ondelete="SET NULL"))
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActionTeam(Base):
    __tablename__ = "action_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(80))
    purpose: Mapped[str | None] = mapped_column(Text)
    proposition_id: Mapped[int | None] = mapped_column(
        ForeignKey("propositions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActionTeamMember(Base):
    __tablename__ = "action_team_members"

    team_id: Mapped[int] = mapped_column(ForeignKey("action_teams.id", ondelete="CASCADE"),
                                         primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(40))


class PulseResponse(Base):
    """The check-out: four answers from 1 to 5 and one word, once per person (counted in
    Participation; the row itself is sealed, not named)."""

    __tablename__ = "pulse_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             index=True)
    activity_key: Mapped[str] = mapped_column(String(40))
    owner_tag: Mapped[str | None] = mapped_column(String(64))
    answer_1: Mapped[int] = mapped_column(Integer)
    answer_2: Mapped[int] = mapped_column(Integer)
    answer_3: Mapped[int] = mapped_column(Integer)
    answer_4: Mapped[int] = mapped_column(Integer)
    word: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participation(Base):
    """How many items (or dots) one person has in one activity — never which ones.

    Stored in key order, not arrival order (no row id on SQLite), so the order of these rows
    cannot be matched against the order of the anonymous rows they count."""

    __tablename__ = "participation"
    __table_args__ = {"sqlite_with_rowid": False}

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             primary_key=True)
    activity_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True)
    # What is counted: "items" written (cards, dreams, statements, a check-out) or "dots".
    counting: Mapped[str] = mapped_column(String(8), primary_key=True, default="items")
    items: Mapped[int] = mapped_column(Integer, default=0)
