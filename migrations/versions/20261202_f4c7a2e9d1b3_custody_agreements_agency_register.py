"""IP custody agreements and their events (append-only), the centre's agency register:
status events (append-only), complaints, evaluation criteria, evaluations, credit notes.

The append-only tables get database triggers refusing UPDATE and DELETE (as
``market.models.append_only`` creates them with ``create_all``, plus SQLite's DELETE
trigger, which only the test suite's cleanup must do without). A later SQLite batch
migration that rebuilds one of these tables must create its triggers again.

Revision ID: f4c7a2e9d1b3
Revises: a4c7e2f9b1d3
Create Date: 2026-12-02 00:23:58.509844

"""
import sqlalchemy as sa
from alembic import op

APPEND_ONLY = ('custody_agreement', 'custody_event', 'agency_status_event',
               'agency_credit_note')

revision = 'f4c7a2e9d1b3'
down_revision = 'a4c7e2f9b1d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_evaluation_criterion'))
    )
    op.create_table('agency_complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_org_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('complainant', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('sanction', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_org_id'], ['organisation.id'],
                            name=op.f('fk_agency_complaint_agency_org_id_organisation')),
    sa.ForeignKeyConstraint(['closed_by_user_id'], ['user_account.id'],
                            name=op.f('fk_agency_complaint_closed_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'],
                            name=op.f('fk_agency_complaint_recorded_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_agency_complaint'))
    )
    with op.batch_alter_table('agency_complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_complaint_agency_org_id'), ['agency_org_id'], unique=False)

    op.create_table('agency_credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_org_id'], ['organisation.id'],
                            name=op.f('fk_agency_credit_note_agency_org_id_organisation')),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'],
                            name=op.f('fk_agency_credit_note_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_agency_credit_note'))
    )
    with op.batch_alter_table('agency_credit_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_credit_note_agency_org_id'), ['agency_org_id'], unique=False)

    op.create_table('agency_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('max_total', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_org_id'], ['organisation.id'],
                            name=op.f('fk_agency_evaluation_agency_org_id_organisation')),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'],
                            name=op.f('fk_agency_evaluation_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_agency_evaluation')),
    sa.UniqueConstraint('agency_org_id', 'year', name='uq_agency_evaluation_agency_year')
    )
    with op.batch_alter_table('agency_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_evaluation_agency_org_id'), ['agency_org_id'], unique=False)

    op.create_table('agency_status_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_org_id'], ['organisation.id'],
                            name=op.f('fk_agency_status_event_agency_org_id_organisation')),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'],
                            name=op.f('fk_agency_status_event_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_agency_status_event'))
    )
    with op.batch_alter_table('agency_status_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_status_event_agency_org_id'), ['agency_org_id'], unique=False)

    op.create_table('custody_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sme_org_id', sa.Integer(), nullable=False),
    sa.Column('agency_org_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_org_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_user_id', sa.Integer(), nullable=True),
    sa.Column('scope_patents', sa.Boolean(), nullable=False),
    sa.Column('scope_marks', sa.Boolean(), nullable=False),
    sa.Column('scope_fee_reminders', sa.Boolean(), nullable=False),
    sa.Column('scope_portfolio_review', sa.Boolean(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('fee_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_org_id'], ['organisation.id'],
                            name=op.f('fk_custody_agreement_agency_org_id_organisation')),
    sa.ForeignKeyConstraint(['proposed_by_org_id'], ['organisation.id'],
                            name=op.f('fk_custody_agreement_proposed_by_org_id_organisation')),
    sa.ForeignKeyConstraint(['proposed_by_user_id'], ['user_account.id'],
                            name=op.f('fk_custody_agreement_proposed_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['sme_org_id'], ['organisation.id'],
                            name=op.f('fk_custody_agreement_sme_org_id_organisation')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_custody_agreement'))
    )
    with op.batch_alter_table('custody_agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_custody_agreement_agency_org_id'), ['agency_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_custody_agreement_sme_org_id'), ['sme_org_id'], unique=False)

    op.create_table('custody_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('by_org_id', sa.Integer(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('fee_fen', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['custody_agreement.id'],
                            name=op.f('fk_custody_event_agreement_id_custody_agreement')),
    sa.ForeignKeyConstraint(['by_org_id'], ['organisation.id'],
                            name=op.f('fk_custody_event_by_org_id_organisation')),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'],
                            name=op.f('fk_custody_event_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id',
                            name=op.f('pk_custody_event'))
    )
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.create_index('ix_custody_event_agreement_kind',
                              ['agreement_id', 'kind', 'starts_on', 'ends_on'], unique=False)


    _create_triggers()


# the same SQL as market.models.append_only (copied: a revision must not change later)
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION market_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def sqlite_trigger(table, operation):
    return (f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def pg_trigger(table):
    return (f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION market_append_only()")


def _create_triggers():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(pg_trigger(table))
    else:
        for table in APPEND_ONLY:
            op.execute(sqlite_trigger(table, 'UPDATE'))
            op.execute(sqlite_trigger(table, 'DELETE'))


def downgrade():
    with op.batch_alter_table('custody_event', schema=None) as batch_op:
        batch_op.drop_index('ix_custody_event_agreement_kind')

    op.drop_table('custody_event')
    with op.batch_alter_table('custody_agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_custody_agreement_sme_org_id'))
        batch_op.drop_index(batch_op.f('ix_custody_agreement_agency_org_id'))

    op.drop_table('custody_agreement')
    with op.batch_alter_table('agency_status_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_status_event_agency_org_id'))

    op.drop_table('agency_status_event')
    with op.batch_alter_table('agency_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_evaluation_agency_org_id'))

    op.drop_table('agency_evaluation')
    with op.batch_alter_table('agency_credit_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_credit_note_agency_org_id'))

    op.drop_table('agency_credit_note')
    with op.batch_alter_table('agency_complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_complaint_agency_org_id'))

    op.drop_table('agency_complaint')
    op.drop_table('evaluation_criterion')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS market_append_only()')
