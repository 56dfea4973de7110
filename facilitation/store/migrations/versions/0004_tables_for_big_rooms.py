"""tables for big rooms: each participant's table, the table a card was written at, and the
facilitator's seating choice

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE_SIZE = 8  # services.seating.TABLE_SIZE when this migration was written


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("table_label", sa.String(length=40), nullable=True))
        batch.create_index("ix_participants_workshop_table", ["workshop_id", "table_label"])
    with op.batch_alter_table("contributions") as batch:
        batch.add_column(sa.Column("table_label", sa.String(length=40), nullable=True))
        batch.create_index("ix_contributions_wall_table",
                           ["workshop_id", "activity_key", "table_label"])
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("seating", sa.String(length=10), nullable=True))
    _seat_people_who_already_joined()


def _seat_people_who_already_joined() -> None:
    """Workshops from before tables: seat everyone eight to a table in order of arrival, as a
    newcomer would have been, so a room that grows past the threshold has no one left out.
    Their earlier cards stay without a table, so every table still sees them."""
    connection = op.get_bind()
    participants = sa.table("participants", sa.column("id"), sa.column("workshop_id"),
                            sa.column("joined_at"), sa.column("table_label"))
    rows = connection.execute(sa.select(participants.c.id, participants.c.workshop_id)
                              .order_by(participants.c.workshop_id, participants.c.joined_at,
                                        participants.c.id)).all()
    seated: dict[int, int] = {}
    for participant_id, workshop_id in rows:
        place = seated.get(workshop_id, 0)
        seated[workshop_id] = place + 1
        connection.execute(participants.update().where(participants.c.id == participant_id)
                           .values(table_label=str(place // TABLE_SIZE + 1)))


def downgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("seating")
    with op.batch_alter_table("contributions") as batch:
        batch.drop_index("ix_contributions_wall_table")
        batch.drop_column("table_label")
    with op.batch_alter_table("participants") as batch:
        batch.drop_index("ix_participants_workshop_table")
        batch.drop_column("table_label")
