"""A short code on each response, for "finish later"

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_code", sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_response_short_code"), ["short_code"])


def downgrade():
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_response_short_code"), type_="unique")
        batch_op.drop_column("short_code")
