"""anonymous rows unlinked: seals instead of participant ids, per-person counts apart; a
first reveal freezes the answers

Votes, check-out answers, stories and the cards, dreams and statements of anonymous
activities lose their participant ids. What the room still needs to count (how many people
took part, dots spent, one check-out each) moves to ``participation``. Rows written before
this have no seal: they stay in the room and the report, but no phone marks them "yours".
An activity is named only if its plan says so (``named_activities``, handed over by
Store.migrate); an activity whose plan is gone counts as anonymous, the safe side.

Revision ID: 0005
Revises: 0004
"""

from collections import Counter

import sqlalchemy as sa
from alembic import context, op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    named: set[tuple[str, str]] = set(context.config.attributes.get("named_activities", ()))
    op.create_table(
        "participation",
        sa.Column("workshop_id", sa.Integer(),
                  sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("activity_key", sa.String(length=40), primary_key=True),
        sa.Column("participant_id", sa.String(length=32),
                  sa.ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("counting", sa.String(length=8), primary_key=True),
        sa.Column("items", sa.Integer(), nullable=False, server_default="0"),
        sqlite_with_rowid=False)
    _count_what_people_hold()
    for table in ("contributions", "propositions"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner_tag", sa.String(length=64), nullable=True))
        _unlink_anonymous(table, named)
    with op.batch_alter_table("votes") as batch:
        batch.add_column(sa.Column("owner_tag", sa.String(length=64), nullable=True))
        batch.drop_column("participant_id")
    with op.batch_alter_table("pulse_responses") as batch:
        batch.add_column(sa.Column("owner_tag", sa.String(length=64), nullable=True))
        batch.drop_constraint("uq_pulse_once", type_="unique")
        batch.drop_column("participant_id")
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("teller_position", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recorder_tag", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("teller_tag", sa.String(length=64), nullable=True))
        batch.create_index("ix_stories_recorder_tag", ["recorder_tag"])
        batch.create_index("ix_stories_teller_tag", ["teller_tag"])
    op.execute("UPDATE stories SET group_id = NULL")
    with op.batch_alter_table("activity_states") as batch:
        batch.add_column(sa.Column("results_shown", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.execute("UPDATE activity_states SET results_shown = revealed")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("recorder_id")
        batch.drop_column("teller_id")


def _count_what_people_hold() -> None:
    """Carry over what the room counts of each person before their links are dropped."""
    connection = op.get_bind()
    held: Counter[tuple[int, str, str, str]] = Counter()
    for table in ("contributions", "propositions", "votes", "pulse_responses"):
        counting = "dots" if table == "votes" else "items"
        rows = connection.execute(sa.text(
            f"SELECT workshop_id, activity_key, participant_id FROM {table} "
            "WHERE participant_id IS NOT NULL")).all()
        held.update((w, a, p, counting) for w, a, p in rows)
    participation = sa.table("participation", sa.column("workshop_id"),
                             sa.column("activity_key"), sa.column("participant_id"),
                             sa.column("counting"), sa.column("items"))
    if held:
        connection.execute(participation.insert(), [
            {"workshop_id": w, "activity_key": a, "participant_id": p, "counting": c,
             "items": n} for (w, a, p, c), n in sorted(held.items(), key=lambda i: i[0][2])])


def _unlink_anonymous(table: str, named: set[tuple[str, str]]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        f"SELECT t.id, w.plan_name, t.activity_key FROM {table} t "
        "JOIN workshops w ON w.id = t.workshop_id WHERE t.participant_id IS NOT NULL")).all()
    for row_id, plan_name, activity_key in rows:
        if (plan_name, activity_key) not in named:
            connection.execute(sa.text(f"UPDATE {table} SET participant_id = NULL "
                                       "WHERE id = :id"), {"id": row_id})


def downgrade() -> None:
    raise NotImplementedError("Links that were dropped for anonymity cannot be restored.")
