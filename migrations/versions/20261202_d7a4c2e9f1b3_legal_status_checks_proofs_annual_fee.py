"""legal status one can trust: verified status per patent, CNIPA status records, owners'
proofs, the annual fee's paid-through date

Revision ID: d7a4c2e9f1b3
Revises: c5d8e1f3a7b9
Create Date: 2026-12-01 21:21:06

"""
import sqlalchemy as sa
from alembic import op

revision = 'd7a4c2e9f1b3'
down_revision = 'c5d8e1f3a7b9'
branch_labels = None
depends_on = None

STATUSES = ('pending', 'granted', 'terminated', 'withdrawn')
SOURCES = ('import', 'proof')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    op.create_table(
        'legal_status_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum(STATUSES, 'event_legal_status'), nullable=False),
        sa.Column('event', sa.String(length=200), nullable=False),
        sa.Column('event_date', sa.Date(), nullable=False),
        sa.Column('source', _enum(SOURCES, 'event_source'), nullable=False),
        sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_legal_status_event_patent_id_patent')),
        sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'],
                                name=op.f('fk_legal_status_event_recorded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_status_event')),
        sa.UniqueConstraint('patent_id', 'event_date', 'status', 'event',
                            name='uq_legal_status_event_record'),
    )
    op.create_table(
        'legal_status_proof',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_user_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('state', _enum(('pending', 'accepted', 'rejected'), 'proof_state'),
                  nullable=False),
        sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=60), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['decided_by_user_id'], ['user_account.id'],
                                name=op.f('fk_legal_status_proof_decided_by_user_id_user_account')),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_legal_status_proof_patent_id_patent')),
        sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['user_account.id'],
                                name=op.f('fk_legal_status_proof_uploaded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_status_proof')),
    )
    op.create_index(op.f('ix_legal_status_proof_patent_id'), 'legal_status_proof', ['patent_id'])
    op.create_index(op.f('ix_legal_status_proof_state'), 'legal_status_proof', ['state'])
    op.create_table(
        'patent_status_check',
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('verified_status', _enum(STATUSES, 'verified_legal_status'), nullable=True),
        sa.Column('verified_on', sa.Date(), nullable=True),
        sa.Column('verified_source', _enum(SOURCES, 'verification_source'), nullable=True),
        sa.Column('verified_by_user_id', sa.Integer(), nullable=True),
        sa.Column('annual_fee_paid_through', sa.Date(), nullable=True),
        sa.Column('fee_paid_through_source', sa.String(length=10), nullable=True),
        sa.Column('fee_reminded_for', sa.Date(), nullable=True),
        sa.Column('fee_overdue_told_for', sa.Date(), nullable=True),
        sa.Column('lapsed_on', sa.Date(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_patent_status_check_patent_id_patent')),
        sa.ForeignKeyConstraint(['verified_by_user_id'], ['user_account.id'],
                                name=op.f('fk_patent_status_check_verified_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('patent_id', name=op.f('pk_patent_status_check')),
    )
    op.create_index(op.f('ix_patent_status_check_annual_fee_paid_through'),
                    'patent_status_check', ['annual_fee_paid_through'])


def downgrade():
    op.drop_index(op.f('ix_patent_status_check_annual_fee_paid_through'),
                  table_name='patent_status_check')
    op.drop_table('patent_status_check')
    op.drop_index(op.f('ix_legal_status_proof_state'), table_name='legal_status_proof')
    op.drop_index(op.f('ix_legal_status_proof_patent_id'), table_name='legal_status_proof')
    op.drop_table('legal_status_proof')
    op.drop_table('legal_status_event')
