"""exhibitions: listings defined by a stored search (query and filters); open licences taken
and demand answers started from an exhibition count among its leads, each lead once

Revision ID: c4e8a2f6b0d3
Revises: a9e3c5f7b1d2
Create Date: 2026-12-02 04:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c4e8a2f6b0d3'
down_revision = 'a9e3c5f7b1d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exhibition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('query', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('filters', sa.JSON(), nullable=False,
                                      server_default='{}'))
    # A question sent twice from an exhibition page used to be counted twice: keep each
    # question's and each deal's first lead, so the unique constraints below can hold.
    for column in ('question_id', 'deal_id'):
        op.execute(f"DELETE FROM exhibition_lead WHERE {column} IS NOT NULL AND id NOT IN "
                   f"(SELECT MIN(id) FROM exhibition_lead WHERE {column} IS NOT NULL "
                   f"GROUP BY {column})")
    with op.batch_alter_table('exhibition_lead', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_exhibition_lead_answer_id_demand_answer'),
                                    'demand_answer', ['answer_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_exhibition_lead_question_id'),
                                          ['question_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_exhibition_lead_deal_id'), ['deal_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_exhibition_lead_answer_id'),
                                          ['answer_id'])


def downgrade():
    with op.batch_alter_table('exhibition_lead', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_exhibition_lead_answer_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_exhibition_lead_deal_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_exhibition_lead_question_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_exhibition_lead_answer_id_demand_answer'),
                                 type_='foreignkey')
        batch_op.drop_column('answer_id')
    with op.batch_alter_table('exhibition', schema=None) as batch_op:
        batch_op.drop_column('filters')
        batch_op.drop_column('query')
