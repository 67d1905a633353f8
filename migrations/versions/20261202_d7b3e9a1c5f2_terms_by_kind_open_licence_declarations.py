"""terms by kind: royalty base, open-licence caps only on open licences, 64-bit offer fee;
open-licence declarations and patent evaluation reports

Every existing royalty was a share of net sales (the only base there was), so existing
offers and deals get ``royalty_base = 'net_sales'``: the same money and terms. The offer's
fee column widens from 32 to 64 bits (a negotiated fee above CNY 21.4 million did not fit).
Existing open licences keep no declaration date: the listing says the declaration is not
recorded until the owner enters it.

The downgrade narrows the fee and restores the old 20 % check: it fails (and changes
nothing on PostgreSQL) if rows use the new freedoms (a profit base, a negotiated rate above
20 % or a fee above the 32-bit range).

Revision ID: d7b3e9a1c5f2
Revises: d7a3f9c2e5b1
Create Date: 2026-12-01 21:45:00

"""
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = 'd7b3e9a1c5f2'
down_revision = 'd7a3f9c2e5b1'
branch_labels = None
depends_on = None

OLD_BOUNDS = 'upfront_fee_fen >= 0 AND royalty_bp >= 0 AND royalty_bp <= 2000'
NEW_BOUNDS = (
    "upfront_fee_fen >= 0 AND royalty_bp >= 0 AND royalty_bp <= 10000"
    " AND royalty_base IN ('net_sales', 'profit')"
    " AND (kind <> 'open_licence' OR (upfront_fee_fen <= 2000000000"
    " AND royalty_bp <= CASE WHEN royalty_base = 'profit' THEN 4000 ELSE 2000 END))")


@contextmanager
def _sqlite_foreign_keys_off():
    """SQLite changes the offer's check and type by copying the table and dropping the old
    one; with foreign keys on (the app turns them on) dropping a table that deals, events
    and changes refer to fails. The copy keeps every id, so the references stay right.
    (A no-op on PostgreSQL, which alters in place.)"""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    yield
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def _royalty_base_column():
    # the server default fills the rows that exist (all on net sales, the only base there
    # was); the application always writes the value
    return sa.Column('royalty_base', sa.String(length=20), nullable=False,
                     server_default='net_sales')


def upgrade():
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('offer', schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_offer_money_bounds'), type_='check')
            batch_op.add_column(_royalty_base_column())
            batch_op.add_column(sa.Column('declared_on', sa.Date(), nullable=True))
            batch_op.add_column(sa.Column('cnipa_announcement_number', sa.String(length=40),
                                          nullable=True))
            batch_op.alter_column('upfront_fee_fen', existing_type=sa.Integer(),
                                  type_=sa.BigInteger(), existing_nullable=False)
        with op.batch_alter_table('offer', schema=None) as batch_op:
            batch_op.create_check_constraint(op.f('ck_offer_money_bounds'), sa.text(NEW_BOUNDS))
    # a plain ADD COLUMN (no table copy on SQLite); the server default stays, harmless
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.add_column(_royalty_base_column())

    op.create_table(
        'evaluation_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('conclusion', sa.String(length=30), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=60), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_evaluation_report_patent_id_patent')),
        sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['user_account.id'],
                                name=op.f('fk_evaluation_report_uploaded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_report')),
    )
    with op.batch_alter_table('evaluation_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_report_patent_id'), ['patent_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('evaluation_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_report_patent_id'))
    op.drop_table('evaluation_report')
    with _sqlite_foreign_keys_off():
        with op.batch_alter_table('deal', schema=None) as batch_op:
            batch_op.drop_column('royalty_base')
        with op.batch_alter_table('offer', schema=None) as batch_op:
            batch_op.drop_constraint(op.f('ck_offer_money_bounds'), type_='check')
            batch_op.alter_column('upfront_fee_fen', existing_type=sa.BigInteger(),
                                  type_=sa.Integer(), existing_nullable=False)
            batch_op.drop_column('cnipa_announcement_number')
            batch_op.drop_column('declared_on')
            batch_op.drop_column('royalty_base')
        with op.batch_alter_table('offer', schema=None) as batch_op:
            batch_op.create_check_constraint(op.f('ck_offer_money_bounds'), sa.text(OLD_BOUNDS))
