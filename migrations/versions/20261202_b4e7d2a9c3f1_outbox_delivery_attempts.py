"""outbox delivery attempts: retries with backoff, failures recorded for the centre

Revision ID: b4e7d2a9c3f1
Revises: a9d2c4e6f801
Create Date: 2026-12-01 19:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b4e7d2a9c3f1'
down_revision = 'a9d2c4e6f801'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_email_failed_at', ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_email_failed_at')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
