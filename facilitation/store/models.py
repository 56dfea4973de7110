"""The tables. Authorship is stored so people can see their own work and counts stay honest,
but no view ever renders it for an anonymous activity (see services.contributions)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str | None] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (UniqueConstraint("workshop_id", "client_id", name="uq_contribution_client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"))
    phase: Mapped[str] = mapped_column(String(20))
    activity_key: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
