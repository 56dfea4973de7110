"""tables for big rooms: a participant's table, and the facilitator's seating choice

Revision ID: 0008
Revises: 0002
Create Date: 2026-11-26 03:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('table_label', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_participants_workshop_table', ['workshop_id', 'table_label'],
                              unique=False)
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seating', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('seating')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index('ix_participants_workshop_table')
        batch_op.drop_column('table_label')
