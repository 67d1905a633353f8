"""agencies: profiles and certified staff, mandates and their events, the broker on a deal
and on its ledger rows

Revision ID: a9c3e5f7b1d2
Revises: c5d2e8a4b7f1
Create Date: 2026-12-02 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a9c3e5f7b1d2'
down_revision = 'c5d2e8a4b7f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agency_profile',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('is_patent_agency', sa.Boolean(), nullable=False),
        sa.Column('cnipa_agency_code', sa.String(length=5), nullable=True),
        sa.Column('services', sa.JSON(), nullable=False),
        sa.Column('industries', sa.JSON(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_agency_profile_org_id_organisation')),
        sa.PrimaryKeyConstraint('org_id', name=op.f('pk_agency_profile')))
    op.create_table(
        'agency_staff',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('qualification', sa.Enum('tech_broker', 'patent_attorney',
                                           name='staff_qualification', native_enum=False,
                                           length=20), nullable=False),
        sa.Column('certificate_number', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_agency_staff_org_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_staff')),
        sa.UniqueConstraint('org_id', 'qualification', 'certificate_number',
                            name='uq_agency_staff_org_qualification_certificate'))
    with op.batch_alter_table('agency_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_staff_org_id'), ['org_id'], unique=False)
    op.create_table(
        'mandate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('principal_org_id', sa.Integer(), nullable=False),
        sa.Column('agency_org_id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.Enum('negotiate', 'negotiate_draft', name='mandate_scope',
                                   native_enum=False, length=20), nullable=False),
        sa.Column('patent_ids', sa.JSON(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('fee_fen', sa.BigInteger(), nullable=True),
        sa.Column('granted_by_user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['principal_org_id'], ['organisation.id'],
                                name=op.f('fk_mandate_principal_org_id_organisation')),
        sa.ForeignKeyConstraint(['agency_org_id'], ['organisation.id'],
                                name=op.f('fk_mandate_agency_org_id_organisation')),
        sa.ForeignKeyConstraint(['granted_by_user_id'], ['user_account.id'],
                                name=op.f('fk_mandate_granted_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mandate')))
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandate_principal_org_id'), ['principal_org_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_mandate_agency_org_id'), ['agency_org_id'],
                              unique=False)
    op.create_table(
        'mandate_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mandate_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('actor_user_id', sa.Integer(), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['mandate_id'], ['mandate.id'],
                                name=op.f('fk_mandate_event_mandate_id_mandate')),
        sa.ForeignKeyConstraint(['actor_user_id'], ['user_account.id'],
                                name=op.f('fk_mandate_event_actor_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mandate_event')))
    with op.batch_alter_table('mandate_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandate_event_mandate_id'), ['mandate_id'],
                              unique=False)
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('broker_org_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('broker_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('broker_fee_fen', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_deal_broker_org_id'), ['broker_org_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_deal_broker_org_id_organisation'),
                                    'organisation', ['broker_org_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_deal_broker_user_id_user_account'),
                                    'user_account', ['broker_user_id'], ['id'])
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('broker_org_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ledger_entry_broker_org_id'), ['broker_org_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entry_broker_org_id_organisation'),
                                    'organisation', ['broker_org_id'], ['id'])


def downgrade():
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ledger_entry_broker_org_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ledger_entry_broker_org_id'))
        batch_op.drop_column('broker_org_id')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deal_broker_user_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_deal_broker_org_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deal_broker_org_id'))
        batch_op.drop_column('broker_fee_fen')
        batch_op.drop_column('broker_user_id')
        batch_op.drop_column('broker_org_id')
    with op.batch_alter_table('mandate_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandate_event_mandate_id'))
    op.drop_table('mandate_event')
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandate_agency_org_id'))
        batch_op.drop_index(batch_op.f('ix_mandate_principal_org_id'))
    op.drop_table('mandate')
    with op.batch_alter_table('agency_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_staff_org_id'))
    op.drop_table('agency_staff')
    op.drop_table('agency_profile')
