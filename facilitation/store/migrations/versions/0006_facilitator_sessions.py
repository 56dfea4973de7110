"""facilitator sessions kept on the server: the cookie holds a random token, not the key

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facilitator_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("sealed_key", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_facilitator_sessions_workshop_id", "facilitator_sessions",
                    ["workshop_id"])


def downgrade() -> None:
    op.drop_index("ix_facilitator_sessions_workshop_id", table_name="facilitator_sessions")
    op.drop_table("facilitator_sessions")
