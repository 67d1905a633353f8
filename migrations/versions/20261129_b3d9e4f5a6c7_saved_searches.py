"""saved searches and their reported matches

Revision ID: b3d9e4f5a6c7
Revises: a7e5c0d1b2f3
Create Date: 2026-11-29 07:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b3d9e4f5a6c7'
down_revision = 'a7e5c0d1b2f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_saved_search_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search'))
    )
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_user_id'), ['user_id'], unique=False)

    op.create_table('saved_search_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patent.id'], name=op.f('fk_saved_search_match_patent_id_patent')),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_search.id'], name=op.f('fk_saved_search_match_saved_search_id_saved_search'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search_match')),
    sa.UniqueConstraint('saved_search_id', 'patent_id', name='uq_saved_search_match_search_patent')
    )
    with op.batch_alter_table('saved_search_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_match_saved_search_id'), ['saved_search_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_search_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_match_saved_search_id'))
    op.drop_table('saved_search_match')
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_user_id'))
    op.drop_table('saved_search')
