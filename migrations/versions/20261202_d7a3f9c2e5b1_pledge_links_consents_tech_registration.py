"""pledges linked to platform patents, pledgee consents, release, trademarks in mixed
pledges; technology contract registration of deals

Revision ID: d7a3f9c2e5b1
Revises: d7a4c2e9f1b3
Create Date: 2026-12-01 21:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = 'd7a3f9c2e5b1'
down_revision = 'd7a4c2e9f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledge_deal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trademark_numbers', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.add_column(sa.Column('trademark_count', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('released_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('released_by_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('released_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_pledge_deal_released_by_user_id_user_account'),
                                    'user_account', ['released_by_user_id'], ['id'])
    op.create_table(
        'pledged_patent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_pledged_patent_patent_id_patent')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge_deal.id'],
                                name=op.f('fk_pledged_patent_pledge_id_pledge_deal')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pledged_patent')),
        sa.UniqueConstraint('pledge_id', 'patent_id', name='uq_pledged_patent_pledge_patent'),
    )
    op.create_index(op.f('ix_pledged_patent_patent_id'), 'pledged_patent', ['patent_id'])
    op.create_index(op.f('ix_pledged_patent_pledge_id'), 'pledged_patent', ['pledge_id'])
    op.create_table(
        'pledgee_consent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_user_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=60), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_pledgee_consent_patent_id_patent')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge_deal.id'],
                                name=op.f('fk_pledgee_consent_pledge_id_pledge_deal')),
        sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['user_account.id'],
                                name=op.f('fk_pledgee_consent_uploaded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pledgee_consent')),
    )
    op.create_index(op.f('ix_pledgee_consent_patent_id'), 'pledgee_consent', ['patent_id'])
    op.create_index(op.f('ix_pledgee_consent_pledge_id'), 'pledgee_consent', ['pledge_id'])
    op.create_table(
        'tech_contract_registration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deal_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['deal_id'], ['deal.id'],
                                name=op.f('fk_tech_contract_registration_deal_id_deal')),
        sa.ForeignKeyConstraint(
            ['recorded_by_user_id'], ['user_account.id'],
            name=op.f('fk_tech_contract_registration_recorded_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tech_contract_registration')),
        sa.UniqueConstraint('deal_id', name=op.f('uq_tech_contract_registration_deal_id')),
    )
    _link_existing_pledges()


def _link_existing_pledges():
    """Pledges recorded before this revision named their patents only in a JSON list: link
    the ones listed on the platform, so the consent rule sees them too. (Their pledgors
    were never checked; the centre can release a pledge recorded in error.)"""
    conn = op.get_bind()
    patents = dict(conn.execute(sa.text("SELECT application_number, id FROM patent")).all())
    if not patents:
        return
    for pledge_id, numbers in conn.execute(
            sa.text("SELECT id, application_numbers FROM pledge_deal")).all():
        if isinstance(numbers, str):
            numbers = json.loads(numbers or "[]")
        for patent_id in dict.fromkeys(patents[n] for n in numbers or () if n in patents):
            conn.execute(sa.text("INSERT INTO pledged_patent (pledge_id, patent_id) "
                                 "VALUES (:pledge, :patent)"),
                         {"pledge": pledge_id, "patent": patent_id})


def downgrade():
    op.drop_table('tech_contract_registration')
    op.drop_index(op.f('ix_pledgee_consent_pledge_id'), table_name='pledgee_consent')
    op.drop_index(op.f('ix_pledgee_consent_patent_id'), table_name='pledgee_consent')
    op.drop_table('pledgee_consent')
    op.drop_index(op.f('ix_pledged_patent_pledge_id'), table_name='pledged_patent')
    op.drop_index(op.f('ix_pledged_patent_patent_id'), table_name='pledged_patent')
    op.drop_table('pledged_patent')
    with op.batch_alter_table('pledge_deal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pledge_deal_released_by_user_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('released_at')
        batch_op.drop_column('released_by_user_id')
        batch_op.drop_column('released_on')
        batch_op.drop_column('trademark_count')
        batch_op.drop_column('trademark_numbers')
