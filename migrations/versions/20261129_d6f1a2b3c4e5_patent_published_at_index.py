"""index patents by publication time (home page and 'newest' lists)

Revision ID: d6f1a2b3c4e5
Revises: c4e8f1a2b3d5
Create Date: 2026-11-29 08:10:00

"""
from alembic import op

revision = 'd6f1a2b3c4e5'
down_revision = 'c4e8f1a2b3d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('patent', schema=None) as batch_op:
        batch_op.create_index('ix_patent_status_published_at', ['status', 'published_at'], unique=False)


def downgrade():
    with op.batch_alter_table('patent', schema=None) as batch_op:
        batch_op.drop_index('ix_patent_status_published_at')
