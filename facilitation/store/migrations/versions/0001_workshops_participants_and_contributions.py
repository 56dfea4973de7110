"""workshops, participants and contributions

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 03:23:43.875826
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workshops',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('plan_name', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('topic_title', sa.String(length=120), nullable=False),
    sa.Column('topic_question', sa.String(length=500), nullable=False),
    sa.Column('organisation', sa.String(length=120), nullable=True),
    sa.Column('facilitator_name', sa.String(length=80), nullable=True),
    sa.Column('facilitator_key_hash', sa.String(length=64), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshops_code'), ['code'], unique=True)

    op.create_table('participants',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=True),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_name', sa.String(length=40), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'client_id', name='uq_contribution_client')
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_activity_key'), ['activity_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_workshop_id'), ['workshop_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_activity_key'))

    op.drop_table('contributions')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_workshop_id'))

    op.drop_table('participants')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshops_code'))

    op.drop_table('workshops')
