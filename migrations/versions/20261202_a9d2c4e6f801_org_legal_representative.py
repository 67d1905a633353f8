"""organisation's legal representative (printed on contracts)

Revision ID: a9d2c4e6f801
Revises: f3c1a9b7d2e4
Create Date: 2026-12-01 19:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a9d2c4e6f801'
down_revision = 'f3c1a9b7d2e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_representative', sa.String(length=100),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('legal_representative')
