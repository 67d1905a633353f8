"""who receives payments: the licensor's bank account; the payer's reported transfers with
their vouchers; the centre's pay-outs

Revision ID: f3a8d1c6b9e2
Revises: e7a2c9d4f1b6
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'f3a8d1c6b9e2'
down_revision = 'e7a2c9d4f1b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank_account_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('bank_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('bank_account_number', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('bank_name_note', sa.Text(), nullable=True))

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payee', sa.Enum('licensor', 'centre', name='payment_payee', native_enum=False, length=20), nullable=True))
        batch_op.add_column(sa.Column('reported_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reported_amount_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('reported_paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bank_reference', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('dispute_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payment_reported_by_user_id_user_account'), 'user_account', ['reported_by_user_id'], ['id'])

    # Payments booked before this revision were all taken by the licensor (offline) or the
    # centre (card payments).
    op.execute("UPDATE payment SET payee = 'centre' WHERE provider = 'stripe'")
    op.execute("UPDATE payment SET payee = 'licensor' WHERE provider = 'offline'")
    op.execute("UPDATE payment SET bank_reference = provider_ref WHERE provider = 'offline'")

    op.create_table('payment_voucher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=60), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_payment_voucher_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_voucher')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_payment_voucher_payment_id'))
    )
    op.create_table('payout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_item_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('paid_out_on', sa.Date(), nullable=False),
    sa.Column('bank_reference', sa.String(length=100), nullable=False),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'], name=op.f('fk_payout_recorded_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['schedule_item_id'], ['payment_schedule_item.id'], name=op.f('fk_payout_schedule_item_id_payment_schedule_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout')),
    sa.UniqueConstraint('schedule_item_id', name=op.f('uq_payout_schedule_item_id'))
    )


def downgrade():
    op.drop_table('payout')
    op.drop_table('payment_voucher')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_reported_by_user_id_user_account'), type_='foreignkey')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('dispute_reason')
        batch_op.drop_column('bank_reference')
        batch_op.drop_column('reported_paid_on')
        batch_op.drop_column('reported_amount_fen')
        batch_op.drop_column('reported_by_user_id')
        batch_op.drop_column('payee')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('bank_name_note')
        batch_op.drop_column('bank_account_name')
        batch_op.drop_column('bank_name')
        batch_op.drop_column('bank_account_number')
