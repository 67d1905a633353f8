"""payments of schedule rows (Stripe or offline) and Stripe webhook events

Revision ID: c4e8f1a2b3d5
Revises: b3d9e4f5a6c7
Create Date: 2026-11-29 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c4e8f1a2b3d5'
down_revision = 'b3d9e4f5a6c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_item_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.Enum('stripe', 'offline', name='payment_provider', native_enum=False, length=20), nullable=False),
    sa.Column('provider_ref', sa.String(length=255), nullable=False),
    sa.Column('payment_intent_id', sa.String(length=255), nullable=True),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('checkout_url', sa.String(length=1000), nullable=True),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('pending', 'succeeded', 'failed', 'expired', 'refunded', 'rejected', name='payment_status', native_enum=False, length=20), nullable=False),
    sa.Column('receipt_number', sa.String(length=40), nullable=True),
    sa.Column('refund_ref', sa.String(length=255), nullable=True),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_payment_deal_id_deal')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'], name=op.f('fk_payment_recorded_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['schedule_item_id'], ['payment_schedule_item.id'], name=op.f('fk_payment_schedule_item_id_payment_schedule_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('provider', 'provider_ref', name='uq_payment_provider_provider_ref'),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_payment_receipt_number'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_payment_intent_id'), ['payment_intent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_schedule_item_id'), ['schedule_item_id'], unique=False)

    op.create_table('webhook_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=10), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_event')),
    sa.UniqueConstraint('event_id', name=op.f('uq_webhook_event_event_id'))
    )


def downgrade():
    op.drop_table('webhook_event')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_schedule_item_id'))
        batch_op.drop_index(batch_op.f('ix_payment_payment_intent_id'))
        batch_op.drop_index(batch_op.f('ix_payment_deal_id'))
    op.drop_table('payment')
