"""an idea of a local plan keeps the ballot item it came from (its words in every language)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 18:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_item_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_idea_ballot_item_id_ballot_item'),
                                    'ballot_item', ['ballot_item_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('idea_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_item_id', sa.Integer(), autoincrement=False,
                                      nullable=True))
    # the local plans made so far: each idea is the item of its event with its words
    op.execute("UPDATE idea SET ballot_item_id = (SELECT MIN(ballot_item.id) FROM ballot_item"
               " JOIN event ON event.id = ballot_item.event_id WHERE event.work_id ="
               " idea.work_id AND ballot_item.label = idea.text) WHERE source = 'ballot'")


def downgrade():
    with op.batch_alter_table('idea_version', schema=None) as batch_op:
        batch_op.drop_column('ballot_item_id')
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idea_ballot_item_id_ballot_item'),
                                 type_='foreignkey')
        batch_op.drop_column('ballot_item_id')
