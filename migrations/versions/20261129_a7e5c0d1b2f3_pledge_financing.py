"""pledge financing, api tokens, indicator indexes on the ledger

Revision ID: a7e5c0d1b2f3
Revises: 6f80214afadc
Create Date: 2026-11-29 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e5c0d1b2f3'
down_revision = '6f80214afadc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pledge_deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pledgor_org_id', sa.Integer(), nullable=True),
    sa.Column('pledgor_name', sa.String(length=200), nullable=False),
    sa.Column('bank', sa.String(length=200), nullable=False),
    sa.Column('application_numbers', sa.JSON(), nullable=False),
    sa.Column('patent_count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('pledged_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], name=op.f('fk_pledge_deal_created_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['pledgor_org_id'], ['organisation.id'], name=op.f('fk_pledge_deal_pledgor_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_deal'))
    )
    with op.batch_alter_table('pledge_deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pledge_deal_pledged_on'), ['pledged_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_pledge_deal_pledgor_org_id'), ['pledgor_org_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    # covering indexes for the centre's indicators (market/models/ledger_stats.py)
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_stats_period', ['concluded_on', 'kind', 'licence_kind', 'open_licence', 'fast_licence', 'industry', 'district', 'licensor_is_university', 'licensor_org_id', 'sign', 'contract_value_fen', 'days_to_conclusion'], unique=False)
        batch_op.create_index('ix_ledger_entry_stats_sme', ['licensee_is_sme', 'licensor_is_university', 'licensee_org_id', 'concluded_on', 'sign'], unique=False)


def downgrade():
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entry_stats_sme')
        batch_op.drop_index('ix_ledger_entry_stats_period')

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('pledge_deal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_deal_pledgor_org_id'))
        batch_op.drop_index(batch_op.f('ix_pledge_deal_pledged_on'))

    op.drop_table('pledge_deal')
