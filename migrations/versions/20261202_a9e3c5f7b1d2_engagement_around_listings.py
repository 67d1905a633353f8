"""engagement around listings: questions and answers before any request, following a
listing

Revision ID: a9e3c5f7b1d2
Revises: e2b8c4d6f0a1
Create Date: 2026-12-02 00:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a9e3c5f7b1d2'
down_revision = 'e2b8c4d6f0a1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'listing_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('asker_user_id', sa.Integer(), nullable=False),
        sa.Column('asker_org_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('visibility', sa.Enum('private', 'public', name='answer_visibility',
                                        native_enum=False, length=20), nullable=True),
        sa.Column('answered_by_user_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_listing_question_patent_id_patent')),
        sa.ForeignKeyConstraint(['asker_user_id'], ['user_account.id'],
                                name=op.f('fk_listing_question_asker_user_id_user_account')),
        sa.ForeignKeyConstraint(['asker_org_id'], ['organisation.id'],
                                name=op.f('fk_listing_question_asker_org_id_organisation')),
        sa.ForeignKeyConstraint(
            ['answered_by_user_id'], ['user_account.id'],
            name=op.f('fk_listing_question_answered_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_question')))
    with op.batch_alter_table('listing_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_question_patent_id'), ['patent_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_listing_question_asker_user_id'),
                              ['asker_user_id'], unique=False)

    op.create_table(
        'listing_follow',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_listing_follow_patent_id_patent')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_listing_follow_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_follow')),
        sa.UniqueConstraint('patent_id', 'user_id', name='uq_listing_follow_patent_user'))
    with op.batch_alter_table('listing_follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_follow_user_id'), ['user_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('listing_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_follow_user_id'))
    op.drop_table('listing_follow')
    with op.batch_alter_table('listing_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_question_asker_user_id'))
        batch_op.drop_index(batch_op.f('ix_listing_question_patent_id'))
    op.drop_table('listing_question')
