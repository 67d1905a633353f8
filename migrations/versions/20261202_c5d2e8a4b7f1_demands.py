"""technology demands (技术需求): demands and their events, the listings matched to them,
and the universities' answers (with the patents they name)

Revision ID: c5d2e8a4b7f1
Revises: f4c7a2e9d1b3
Create Date: 2026-12-02 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c5d2e8a4b7f1'
down_revision = 'f4c7a2e9d1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('demand',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('industry', sa.String(length=30), nullable=False),
    sa.Column('ipc_codes', sa.JSON(), nullable=False),
    sa.Column('budget_min_fen', sa.BigInteger(), nullable=True),
    sa.Column('budget_max_fen', sa.BigInteger(), nullable=True),
    sa.Column('budget_negotiable', sa.Boolean(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('wanted_kind', sa.String(length=20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'licensors', name='demand_visibility', native_enum=False, length=20), nullable=False),
    sa.Column('contact_preference', sa.String(length=20), nullable=False),
    sa.Column('state', sa.Enum('draft', 'pending', 'published', 'answered', 'closed', 'expired', name='demand_state', native_enum=False, length=20), nullable=False),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('key_terms', sa.JSON(), nullable=False),
    sa.Column('matched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_demand_created_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisation.id'], name=op.f('fk_demand_owner_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand'))
    )
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_industry'), ['industry'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_state'), ['state'], unique=False)

    op.create_table('demand_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('collaboration', sa.Boolean(), nullable=False),
    sa.Column('proposal', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_demand_answer_demand_id_demand')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_demand_answer_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_demand_answer_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_answer')),
    sa.UniqueConstraint('demand_id', 'org_id', name='uq_demand_answer_demand_org')
    )
    with op.batch_alter_table('demand_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_answer_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_answer_org_id'), ['org_id'], unique=False)

    op.create_table('demand_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=10), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['user_account.id'], name=op.f('fk_demand_event_actor_user_id_user_account')),
    sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_demand_event_demand_id_demand')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_event'))
    )
    with op.batch_alter_table('demand_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_event_demand_id'), ['demand_id'], unique=False)

    op.create_table('demand_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('found_by', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['demand_id'], ['demand.id'], name=op.f('fk_demand_match_demand_id_demand')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organisation.id'], name=op.f('fk_demand_match_owner_org_id_organisation')),
    sa.ForeignKeyConstraint(['patent_id'], ['patent.id'], name=op.f('fk_demand_match_patent_id_patent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_match')),
    sa.UniqueConstraint('demand_id', 'patent_id', name='uq_demand_match_demand_patent')
    )
    with op.batch_alter_table('demand_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_match_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_match_owner_org_id'), ['owner_org_id'], unique=False)

    op.create_table('demand_answer_patent',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['demand_answer.id'], name=op.f('fk_demand_answer_patent_answer_id_demand_answer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['patent_id'], ['patent.id'], name=op.f('fk_demand_answer_patent_patent_id_patent')),
    sa.PrimaryKeyConstraint('answer_id', 'patent_id', name=op.f('pk_demand_answer_patent'))
    )


def downgrade():
    op.drop_table('demand_answer_patent')
    with op.batch_alter_table('demand_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_match_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_demand_match_demand_id'))

    op.drop_table('demand_match')
    with op.batch_alter_table('demand_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_event_demand_id'))

    op.drop_table('demand_event')
    with op.batch_alter_table('demand_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_answer_org_id'))
        batch_op.drop_index(batch_op.f('ix_demand_answer_demand_id'))

    op.drop_table('demand_answer')
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_state'))
        batch_op.drop_index(batch_op.f('ix_demand_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_demand_industry'))

    op.drop_table('demand')
