"""PO files saved from the translator pages, shared by every app server

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 18:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_catalog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('release', sa.String(length=32), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['saved_by_id'], ['staff_user.id'], name=op.f('fk_saved_catalog_saved_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_catalog')),
    sa.UniqueConstraint('lang', 'domain', name=op.f('uq_saved_catalog_lang_domain')),
    sa.UniqueConstraint('version', name=op.f('uq_saved_catalog_version'))
    )


def downgrade():
    op.drop_table('saved_catalog')
