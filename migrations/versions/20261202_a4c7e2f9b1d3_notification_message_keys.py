"""Notifications keep their title and body as message ids and arguments, rendered in the
reader's language at each reading.

Revision ID: a4c7e2f9b1d3
Revises: e2b8c4d6f0a1
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'a4c7e2f9b1d3'
down_revision = 'e2b8c4d6f0a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('message', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('message')
