"""method artefacts: pairs, stories, themes, votes, propositions, commitments, pulse

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 03:33:30.104750
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity_states',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('dots', sa.Integer(), nullable=True),
    sa.Column('timer_seconds', sa.Integer(), nullable=True),
    sa.Column('timer_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('timer_elapsed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workshop_id', 'activity_key')
    )
    op.create_table('design_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('design_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_areas_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('pair_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('table_label', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pair_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pair_groups_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('suggestion_decisions',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('signature', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workshop_id', 'signature')
    )
    op.create_table('theme_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('theme_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_history_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('item_themes',
    sa.Column('item_type', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_type', 'item_id', 'theme_id')
    )
    op.create_table('pair_members',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['pair_groups.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'participant_id')
    )
    op.create_table('pulse_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=True),
    sa.Column('answer_1', sa.Integer(), nullable=False),
    sa.Column('answer_2', sa.Integer(), nullable=False),
    sa.Column('answer_3', sa.Integer(), nullable=False),
    sa.Column('answer_4', sa.Integer(), nullable=False),
    sa.Column('word', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'activity_key', 'participant_id', name='uq_pulse_once')
    )
    with op.batch_alter_table('pulse_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_responses_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('stories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('recorder_id', sa.String(length=32), nullable=True),
    sa.Column('teller_id', sa.String(length=32), nullable=True),
    sa.Column('headline', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('enablers', sa.Text(), nullable=True),
    sa.Column('values', sa.Text(), nullable=True),
    sa.Column('wishes', sa.Text(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('quote_consent', sa.String(length=10), nullable=False),
    sa.Column('sharing', sa.String(length=10), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['pair_groups.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorder_id'], ['participants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['teller_id'], ['participants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stories_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('theme_links',
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('theme_id', 'item_type', 'item_id')
    )
    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=False),
    sa.Column('target_type', sa.String(length=12), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('propositions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('design_area_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['design_area_id'], ['design_areas.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['story_id'], ['stories.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('propositions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_propositions_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('action_teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('proposition_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposition_id'], ['propositions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_teams', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_teams_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('activity_key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('owner_name', sa.String(length=80), nullable=True),
    sa.Column('helpers', sa.String(length=200), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('first_step', sa.Text(), nullable=False),
    sa.Column('first_step_due', sa.Date(), nullable=False),
    sa.Column('support_needed', sa.Text(), nullable=True),
    sa.Column('how_we_know', sa.Text(), nullable=True),
    sa.Column('proposition_id', sa.Integer(), nullable=True),
    sa.Column('participant_id', sa.String(length=32), nullable=True),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposition_id'], ['propositions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('proposition_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposition_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposition_id'], ['propositions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposition_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposition_revisions_proposition_id'), ['proposition_id'], unique=False)

    op.create_table('action_team_members',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['action_teams.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'participant_id')
    )
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_review_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('spotlight', sa.String(length=40), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('spotlight')
        batch_op.drop_column('next_review_date')

    op.drop_table('action_team_members')
    with op.batch_alter_table('proposition_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposition_revisions_proposition_id'))

    op.drop_table('proposition_revisions')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_workshop_id'))

    op.drop_table('commitments')
    with op.batch_alter_table('action_teams', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_teams_workshop_id'))

    op.drop_table('action_teams')
    with op.batch_alter_table('propositions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_propositions_workshop_id'))

    op.drop_table('propositions')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_workshop_id'))

    op.drop_table('votes')
    op.drop_table('theme_links')
    with op.batch_alter_table('stories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stories_workshop_id'))

    op.drop_table('stories')
    with op.batch_alter_table('pulse_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pulse_responses_workshop_id'))

    op.drop_table('pulse_responses')
    op.drop_table('pair_members')
    op.drop_table('item_themes')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_workshop_id'))

    op.drop_table('themes')
    with op.batch_alter_table('theme_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_history_workshop_id'))

    op.drop_table('theme_history')
    op.drop_table('suggestion_decisions')
    with op.batch_alter_table('pair_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pair_groups_workshop_id'))

    op.drop_table('pair_groups')
    with op.batch_alter_table('design_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_areas_workshop_id'))

    op.drop_table('design_areas')
    op.drop_table('activity_states')
