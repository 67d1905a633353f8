"""log-in attempts per account; pending name or credit code changes; the parties kept on a deal

Revision ID: e7a2c9d4f1b6
Revises: e8b5c2d4f6a1
Create Date: 2026-11-30 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e7a2c9d4f1b6'
down_revision = 'e8b5c2d4f6a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_window_start'), ['window_start'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('pending_credit_code', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('change_requested_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('licensor_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('licensor_credit_code', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('licensee_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('licensee_credit_code', sa.String(length=18), nullable=True))

    # Deals concluded before this revision keep the names their parties have today.
    for role in ('licensor', 'licensee'):
        op.execute(
            f"UPDATE deal SET {role}_name = (SELECT name FROM organisation "
            f"WHERE organisation.id = deal.{role}_org_id), "
            f"{role}_credit_code = (SELECT credit_code FROM organisation "
            f"WHERE organisation.id = deal.{role}_org_id) "
            "WHERE concluded_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_column('licensee_credit_code')
        batch_op.drop_column('licensee_name')
        batch_op.drop_column('licensor_credit_code')
        batch_op.drop_column('licensor_name')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('change_requested_at')
        batch_op.drop_column('pending_credit_code')
        batch_op.drop_column('pending_name')

    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_window_start'))
    op.drop_table('login_throttle')
