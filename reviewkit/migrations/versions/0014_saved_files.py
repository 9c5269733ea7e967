"""saved files shared by every app server: PO files and imported question banks

saved_catalog (PO files only, by lang and domain) becomes saved_file (a kind and a path in
that kind's folder); the saved PO files are kept, with their versions.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

COLUMNS = ('version', 'content', 'release', 'saved_at', 'saved_by_id')


def _common():
    return [sa.Column('version', sa.Integer(), nullable=False),
            sa.Column('content', sa.LargeBinary(), nullable=False),
            sa.Column('release', sa.String(length=32), nullable=False),
            sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('saved_by_id', sa.Integer(), nullable=True)]


def upgrade():
    saved_file = op.create_table('saved_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    *_common(),
    sa.ForeignKeyConstraint(['saved_by_id'], ['staff_user.id'], name=op.f('fk_saved_file_saved_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_file')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_saved_file_kind_name')),
    sa.UniqueConstraint('version', name=op.f('uq_saved_file_version'))
    )
    old = sa.table('saved_catalog', sa.column('lang', sa.String), sa.column('domain', sa.String),
                   *(sa.column(c) for c in COLUMNS))
    name = old.c.lang + sa.literal('/LC_MESSAGES/') + old.c.domain + sa.literal('.po')
    op.execute(saved_file.insert().from_select(
        ('kind', 'name', *COLUMNS),
        sa.select(sa.literal('po'), name, *(old.c[c] for c in COLUMNS))))
    op.drop_table('saved_catalog')


def downgrade():
    saved_catalog = op.create_table('saved_catalog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String(length=16), nullable=False),
    sa.Column('domain', sa.String(length=16), nullable=False),
    *_common(),
    sa.ForeignKeyConstraint(['saved_by_id'], ['staff_user.id'], name=op.f('fk_saved_catalog_saved_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_catalog')),
    sa.UniqueConstraint('lang', 'domain', name=op.f('uq_saved_catalog_lang_domain')),
    sa.UniqueConstraint('version', name=op.f('uq_saved_catalog_version'))
    )
    new = sa.table('saved_file', *(sa.column(c) for c in ('id', 'kind', 'name') + COLUMNS))
    bind = op.get_bind()
    # the imported banks' files are not kept: each server keeps the copy it has written
    rows = bind.execute(sa.select(new.c.id, new.c.name).where(new.c.kind == 'po')).all()
    for id_, name in rows:
        lang, _folder, file = name.split('/')
        bind.execute(saved_catalog.insert().from_select(
            ('lang', 'domain', *COLUMNS),
            sa.select(sa.literal(lang), sa.literal(file.removesuffix('.po')),
                      *(new.c[c] for c in COLUMNS)).where(new.c.id == id_)))
    op.drop_table('saved_file')
