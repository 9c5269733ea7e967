"""plan actions: the organisation-wide action plan started from themes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('theme_set_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.String(length=32), nullable=False),
    sa.Column('theme_label', sa.String(length=200), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('change', sa.Text(), nullable=False),
    sa.Column('root_cause', sa.Text(), nullable=True),
    sa.Column('success', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('public_sentence', sa.Text(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done')",
                       name=op.f('ck_plan_action_status')),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'],
                            name=op.f('fk_plan_action_area_id_area'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'],
                            name=op.f('fk_plan_action_created_by_id_staff_user'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                            name=op.f('fk_plan_action_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'],
                            name=op.f('fk_plan_action_service_id_service'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['theme_set_id'], ['theme_set.id'],
                            name=op.f('fk_plan_action_theme_set_id_theme_set'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_action'))
    )
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_action_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_action_organisation_id'), ['organisation_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_action_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_plan_action_due_on'))

    op.drop_table('plan_action')
