"""broker's fee as a payment schedule row: the row names its payer (the principal that
granted the mandate; empty for the licensee, as before)

Revision ID: b5d1f3a7c9e4
Revises: c4e8a2f6b0d3
Create Date: 2026-12-02 04:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b5d1f3a7c9e4'
down_revision = 'c4e8a2f6b0d3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_schedule_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_org_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_payment_schedule_item_payer_org_id_organisation'),
            'organisation', ['payer_org_id'], ['id'])


def downgrade():
    with op.batch_alter_table('payment_schedule_item', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_payment_schedule_item_payer_org_id_organisation'),
            type_='foreignkey')
        batch_op.drop_column('payer_org_id')
