"""contract versions, signatures, stored contract PDFs; signatory members

Revision ID: f3c1a9b7d2e4
Revises: f3a8d1c6b9e2
Create Date: 2026-12-01 18:11:01

"""
import sqlalchemy as sa
from alembic import op

revision = 'f3c1a9b7d2e4'
down_revision = 'f3a8d1c6b9e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contract_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('data_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_contract_version_deal_id_deal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_version')),
    sa.UniqueConstraint('deal_id', 'number', name=op.f('uq_contract_version_deal_id'))
    )
    with op.batch_alter_table('contract_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_version_deal_id'), ['deal_id'], unique=False)

    op.create_table('contract_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_version_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_version_id'], ['contract_version.id'], name=op.f('fk_contract_document_contract_version_id_contract_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_document')),
    sa.UniqueConstraint('contract_version_id', name=op.f('uq_contract_document_contract_version_id'))
    )
    op.create_table('signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_version_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('signer_name', sa.String(length=100), nullable=False),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['contract_version_id'], ['contract_version.id'], name=op.f('fk_signature_contract_version_id_contract_version')),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_signature_deal_id_deal')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_signature_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_signature_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature')),
    sa.UniqueConstraint('contract_version_id', 'role', name=op.f('uq_signature_contract_version_id'))
    )
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signature_contract_version_id'), ['contract_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signature_deal_id'), ['deal_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        # existing members are not signatories: the admin names them
        batch_op.add_column(sa.Column('is_signatory', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('is_signatory')

    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_deal_id'))
        batch_op.drop_index(batch_op.f('ix_signature_contract_version_id'))

    op.drop_table('signature')
    op.drop_table('contract_document')
    with op.batch_alter_table('contract_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_version_deal_id'))

    op.drop_table('contract_version')
