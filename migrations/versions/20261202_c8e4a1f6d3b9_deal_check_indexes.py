"""deals: indexes for the checks under the patent lock (exclusivity, an open licence held)

They lead with patent_id and offer_id, so they replace those columns' own indexes.

Revision ID: c8e4a1f6d3b9
Revises: d2f6a8c4e1b7
Create Date: 2026-12-02 13:00:00

"""
from alembic import op

revision = 'c8e4a1f6d3b9'
down_revision = 'd2f6a8c4e1b7'
branch_labels = None
depends_on = None

REPLACED = (('ix_deal_patent_id', ['patent_id']), ('ix_deal_offer_id', ['offer_id']))
INDEXES = (
    ('ix_deal_patent_id_kind', ['patent_id', 'kind']),
    ('ix_deal_patent_id_licence_kind', ['patent_id', 'licence_kind']),
    ('ix_deal_offer_id_licensee_org_id', ['offer_id', 'licensee_org_id']),
)


def upgrade():
    for name, columns in INDEXES:
        op.create_index(name, 'deal', columns, unique=False)
    for name, _columns in REPLACED:
        op.drop_index(name, table_name='deal')


def downgrade():
    for name, columns in REPLACED:
        op.create_index(name, 'deal', columns, unique=False)
    for name, _columns in INDEXES:
        op.drop_index(name, table_name='deal')
