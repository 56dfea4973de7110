"""presence counts and pairing details

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("connections", sa.Integer(), nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("pair_groups") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("join_code", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("turn", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("pair_groups") as batch:
        batch.drop_column("turn")
        batch.drop_column("join_code")
        batch.drop_column("number")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("connections")
