"""deal events' notices leave the deal's transaction: when each event's notices were written

Revision ID: d2f6a8c4e1b7
Revises: b5d1f3a7c9e4
Create Date: 2026-12-02 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd2f6a8c4e1b7'
down_revision = 'b5d1f3a7c9e4'
branch_labels = None
depends_on = None

PENDING = sa.text("notified_at IS NULL")


def upgrade():
    with op.batch_alter_table('deal_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True))
    # Every event before this revision was notified in its own transaction.
    op.execute("UPDATE deal_event SET notified_at = at")
    op.create_index('ix_deal_event_pending_notice', 'deal_event', ['id'], unique=False,
                    sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    op.drop_index('ix_deal_event_pending_notice', table_name='deal_event',
                  sqlite_where=PENDING, postgresql_where=PENDING)
    with op.batch_alter_table('deal_event', schema=None) as batch_op:
        batch_op.drop_column('notified_at')
