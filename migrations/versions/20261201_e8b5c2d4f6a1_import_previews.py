"""import previews kept in the database (every app server sees them)

Revision ID: e8b5c2d4f6a1
Revises: d6f1a2b3c4e5
Create Date: 2026-12-01 15:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e8b5c2d4f6a1'
down_revision = 'd6f1a2b3c4e5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_preview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_import_preview_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_import_preview_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_preview')),
    sa.UniqueConstraint('token', name=op.f('uq_import_preview_token'))
    )
    with op.batch_alter_table('import_preview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_preview_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_preview_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('import_preview', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_preview_user_id'))
        batch_op.drop_index(batch_op.f('ix_import_preview_expires_at'))
    op.drop_table('import_preview')
