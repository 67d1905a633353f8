"""engagement around listings: questions and answers before any request, following a
listing, online exhibitions with their roadshow sign-ups and the questions and requests
started from them

Revision ID: a9e3c5f7b1d2
Revises: a9c3e5f7b1d2
Create Date: 2026-12-02 00:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a9e3c5f7b1d2'
down_revision = 'a9c3e5f7b1d2'
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

    op.create_table(
        'exhibition',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('roadshow_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('roadshow_place', sa.String(length=300), nullable=False),
        sa.Column('created_by_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'],
                                name=op.f('fk_exhibition_created_by_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition')))
    op.create_table(
        'exhibition_listing',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exhibition_id', sa.Integer(), nullable=False),
        sa.Column('patent_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['exhibition_id'], ['exhibition.id'],
                                name=op.f('fk_exhibition_listing_exhibition_id_exhibition')),
        sa.ForeignKeyConstraint(['patent_id'], ['patent.id'],
                                name=op.f('fk_exhibition_listing_patent_id_patent')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition_listing')),
        sa.UniqueConstraint('exhibition_id', 'patent_id',
                            name='uq_exhibition_listing_exhibition_patent'))
    with op.batch_alter_table('exhibition_listing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibition_listing_patent_id'), ['patent_id'],
                              unique=False)
    op.create_table(
        'exhibition_organisation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exhibition_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['exhibition_id'], ['exhibition.id'],
            name=op.f('fk_exhibition_organisation_exhibition_id_exhibition')),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'],
                                name=op.f('fk_exhibition_organisation_org_id_organisation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition_organisation')),
        sa.UniqueConstraint('exhibition_id', 'org_id',
                            name='uq_exhibition_organisation_exhibition_org'))
    op.create_table(
        'roadshow_signup',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exhibition_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['exhibition_id'], ['exhibition.id'],
                                name=op.f('fk_roadshow_signup_exhibition_id_exhibition')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_roadshow_signup_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_signup')),
        sa.UniqueConstraint('exhibition_id', 'user_id',
                            name='uq_roadshow_signup_exhibition_user'))
    op.create_table(
        'exhibition_lead',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exhibition_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('deal_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['exhibition_id'], ['exhibition.id'],
                                name=op.f('fk_exhibition_lead_exhibition_id_exhibition')),
        sa.ForeignKeyConstraint(['question_id'], ['listing_question.id'],
                                name=op.f('fk_exhibition_lead_question_id_listing_question')),
        sa.ForeignKeyConstraint(['deal_id'], ['deal.id'],
                                name=op.f('fk_exhibition_lead_deal_id_deal')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibition_lead')))
    with op.batch_alter_table('exhibition_lead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibition_lead_exhibition_id'), ['exhibition_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('exhibition_lead', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibition_lead_exhibition_id'))
    op.drop_table('exhibition_lead')
    op.drop_table('roadshow_signup')
    op.drop_table('exhibition_organisation')
    with op.batch_alter_table('exhibition_listing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibition_listing_patent_id'))
    op.drop_table('exhibition_listing')
    op.drop_table('exhibition')
    with op.batch_alter_table('listing_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_follow_user_id'))
    op.drop_table('listing_follow')
    with op.batch_alter_table('listing_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_question_asker_user_id'))
        batch_op.drop_index(batch_op.f('ix_listing_question_patent_id'))
    op.drop_table('listing_question')
