"""royalty reports, assignment registrations, ledger rows dated for every view of the counts

Revision ID: d1e4a7c2b9f5
Revises: d7b3e9a1c5f2
Create Date: 2026-12-01 22:00:00

The ledger gets ``deal_on`` (the day a row counts in the conclusion-date view: a reversal
counts in its original deal's year), ``registered_on`` (the registration-date view) and
``ref`` (what makes refund and royalty rows unique per deal). Existing rows are dated from
what they already hold; every licence already recorded with CNIPA gets its registration row.
"""
import sqlalchemy as sa
from alembic import op

revision = 'd1e4a7c2b9f5'
down_revision = 'd7b3e9a1c5f2'
branch_labels = None
depends_on = None

REST = ['kind', 'licence_kind', 'open_licence', 'fast_licence', 'industry', 'district',
        'licensor_is_university', 'licensor_org_id', 'sign', 'contract_value_fen',
        'days_to_conclusion', 'entry']
COPIED = ['deal_id', 'sign', 'contract_number', 'kind', 'licence_kind', 'open_licence',
          'fast_licence', 'contract_value_fen', 'currency', 'licensor_org_id', 'licensor_kind',
          'licensee_org_id', 'licensee_kind', 'licensee_is_sme', 'licensor_is_university',
          'industry', 'district', 'patent_ids', 'patent_count', 'days_to_conclusion',
          'created_at']


def _local_day(column: str) -> str:
    """The Shenyang calendar day (UTC+8, no daylight saving) of a stored UTC timestamp."""
    if op.get_bind().dialect.name == 'postgresql':
        return f"(({column}) AT TIME ZONE 'Asia/Shanghai')::date"
    return f"date({column}, '+8 hours')"


def _unlink_reversals() -> bool:
    """SQLite rebuilds ledger_entry to change its constraints, and its copy's rows would point
    at the old table's (reverses_id) when the old table is dropped: unlink them first (they
    are relinked from the deal's conclusion row, which every reversal reverses)."""
    if op.get_bind().dialect.name != 'sqlite':
        return False
    op.execute("UPDATE ledger_entry SET reverses_id = NULL")
    return True


def _relink_reversals(entries: str) -> None:
    op.execute("UPDATE ledger_entry SET reverses_id = (SELECT c.id FROM ledger_entry c"
               " WHERE c.deal_id = ledger_entry.deal_id AND c.entry = 'conclusion')"
               f" WHERE entry IN ({entries})")


def upgrade():
    op.create_table(
        'royalty_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deal_id', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('royalty_base', sa.String(length=20), nullable=False),
        sa.Column('base_amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('units_sold', sa.Integer(), nullable=True),
        sa.Column('royalty_bp', sa.Integer(), nullable=False),
        sa.Column('royalty_fen', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('reported_by_user_id', sa.Integer(), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('paid_on', sa.Date(), nullable=True),
        sa.Column('paid_fen', sa.BigInteger(), nullable=True),
        sa.Column('confirmed_by_user_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['deal_id'], ['deal.id'],
                                name=op.f('fk_royalty_report_deal_id_deal')),
        sa.ForeignKeyConstraint(['reported_by_user_id'], ['user_account.id'],
                                name=op.f('fk_royalty_report_reported_by_user_id_user_account')),
        sa.ForeignKeyConstraint(['confirmed_by_user_id'], ['user_account.id'],
                                name=op.f('fk_royalty_report_confirmed_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_royalty_report')),
        sa.UniqueConstraint('deal_id', 'period_start', name='uq_royalty_report_deal_period'),
    )
    op.create_index(op.f('ix_royalty_report_deal_id'), 'royalty_report', ['deal_id'])
    op.create_table(
        'assignment_registration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deal_id', sa.Integer(), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('announcement', sa.String(length=60), nullable=True),
        sa.Column('announced_on', sa.Date(), nullable=True),
        sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['deal_id'], ['deal.id'],
                                name=op.f('fk_assignment_registration_deal_id_deal')),
        sa.ForeignKeyConstraint(
            ['recorded_by_user_id'], ['user_account.id'],
            name=op.f('fk_assignment_registration_recorded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_registration')),
        sa.UniqueConstraint('deal_id', name=op.f('uq_assignment_registration_deal_id')),
    )

    unlinked = _unlink_reversals()
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entry_stats_period')
        batch_op.drop_index('ix_ledger_entry_stats_sme')
        batch_op.drop_constraint('uq_ledger_entry_deal_entry', type_='unique')
        batch_op.alter_column('entry', existing_type=sa.String(length=10),
                              type_=sa.String(length=12), existing_nullable=False)
        batch_op.add_column(sa.Column('ref', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('deal_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint('uq_ledger_entry_deal_entry_ref',
                                          ['deal_id', 'entry', 'ref'])

    if unlinked:
        _relink_reversals("'reversal'")
    # the conclusion-date view: a conclusion on its day, a reversal on its original's day
    op.execute("UPDATE ledger_entry SET deal_on = concluded_on WHERE entry = 'conclusion'")
    op.execute("UPDATE ledger_entry SET deal_on = (SELECT o.concluded_on FROM ledger_entry o"
               " WHERE o.id = ledger_entry.reverses_id) WHERE entry = 'reversal'")
    op.execute("UPDATE ledger_entry SET deal_on = concluded_on WHERE deal_on IS NULL")
    # licences already recorded with CNIPA enter the registration-date view on that day
    day = _local_day('d.recorded_at')
    columns = ', '.join(COPIED)
    selected = ', '.join(f'c.{name}' for name in COPIED)
    op.execute(
        f"INSERT INTO ledger_entry (entry, ref, concluded_on, deal_on, registered_on, {columns})"
        f" SELECT 'registration', '', {day}, NULL, {day}, {selected}"
        " FROM ledger_entry c JOIN deal d ON d.id = c.deal_id"
        " WHERE c.entry = 'conclusion' AND d.recorded_at IS NOT NULL")
    op.execute("UPDATE ledger_entry SET registered_on = (SELECT r.registered_on FROM"
               " ledger_entry r WHERE r.deal_id = ledger_entry.deal_id"
               " AND r.entry = 'registration') WHERE entry = 'reversal'")

    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_stats_deal', ['deal_on', *REST], unique=False)
        batch_op.create_index('ix_ledger_entry_stats_registered', ['registered_on', *REST],
                              unique=False)
        batch_op.create_index('ix_ledger_entry_stats_booked',
                              ['concluded_on', *REST, 'deal_on'], unique=False)
        batch_op.create_index('ix_ledger_entry_stats_sme', [
            'licensee_is_sme', 'licensor_is_university', 'licensee_org_id', 'deal_on',
            'registered_on', 'concluded_on', 'sign'], unique=False)


def downgrade():
    # the rows only the new views had (registrations, refunds, royalties) go with them
    op.execute("DELETE FROM ledger_entry WHERE entry NOT IN ('conclusion', 'reversal')")
    unlinked = _unlink_reversals()
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entry_stats_sme')
        batch_op.drop_index('ix_ledger_entry_stats_booked')
        batch_op.drop_index('ix_ledger_entry_stats_registered')
        batch_op.drop_index('ix_ledger_entry_stats_deal')
        batch_op.drop_constraint('uq_ledger_entry_deal_entry_ref', type_='unique')
        batch_op.drop_column('registered_on')
        batch_op.drop_column('deal_on')
        batch_op.drop_column('ref')
        batch_op.alter_column('entry', existing_type=sa.String(length=12),
                              type_=sa.String(length=10), existing_nullable=False)
        batch_op.create_unique_constraint('uq_ledger_entry_deal_entry', ['deal_id', 'entry'])
        batch_op.create_index('ix_ledger_entry_stats_sme', [
            'licensee_is_sme', 'licensor_is_university', 'licensee_org_id', 'concluded_on',
            'sign'], unique=False)
        batch_op.create_index('ix_ledger_entry_stats_period', [
            'concluded_on', 'kind', 'licence_kind', 'open_licence', 'fast_licence', 'industry',
            'district', 'licensor_is_university', 'licensor_org_id', 'sign',
            'contract_value_fen', 'days_to_conclusion'], unique=False)
    if unlinked:
        _relink_reversals("'reversal'")
    op.drop_table('assignment_registration')
    op.drop_index(op.f('ix_royalty_report_deal_id'), table_name='royalty_report')
    op.drop_table('royalty_report')
