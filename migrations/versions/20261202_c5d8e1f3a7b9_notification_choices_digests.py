"""notification choices per category, daily digests, unsubscribe header of outbox mail

Revision ID: c5d8e1f3a7b9
Revises: b4e7d2a9c3f1
Create Date: 2026-12-01 20:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c5d8e1f3a7b9'
down_revision = 'b4e7d2a9c3f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_preference',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('choice', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_preference_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_preference')),
        sa.UniqueConstraint('user_id', 'category',
                            name='uq_notification_preference_user_category'),
    )
    op.create_table(
        'mail_digest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_mail_digest_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digest')),
        sa.UniqueConstraint('user_id', 'day', name='uq_mail_digest_user_day'),
    )
    op.create_table(
        'digest_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('digest_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['digest_id'], ['mail_digest.id'],
                                name=op.f('fk_digest_item_digest_id_mail_digest')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_digest_item_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_item')),
    )
    op.create_index('ix_digest_item_user_pending', 'digest_item', ['user_id', 'digest_id'])
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_email', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')
    op.drop_index('ix_digest_item_user_pending', table_name='digest_item')
    op.drop_table('digest_item')
    op.drop_table('mail_digest')
    op.drop_table('notification_preference')
