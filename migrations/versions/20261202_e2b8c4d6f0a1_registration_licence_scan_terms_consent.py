"""registration: the business licence scan the centre checks, and the edition of the terms
of use and privacy notice each user accepted

Revision ID: e2b8c4d6f0a1
Revises: d1e4a7c2b9f5
Create Date: 2026-12-01 22:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e2b8c4d6f0a1'
down_revision = 'd1e4a7c2b9f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'business_licence_scan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=60), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_business_licence_scan_org_id_organisation')),
        sa.ForeignKeyConstraint(
            ['uploaded_by_user_id'], ['user_account.id'],
            name=op.f('fk_business_licence_scan_uploaded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_business_licence_scan')))
    with op.batch_alter_table('business_licence_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_licence_scan_org_id'), ['org_id'],
                              unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('terms_accepted_at')
        batch_op.drop_column('terms_version')
    with op.batch_alter_table('business_licence_scan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_licence_scan_org_id'))
    op.drop_table('business_licence_scan')
