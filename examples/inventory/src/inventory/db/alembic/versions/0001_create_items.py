"""create items

Revision ID: a0c3d5e7f901
Revises:
Create Date: 2026-08-20 11:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

# Named by sequence number rather than by revision id: the reader must not rely on file names.
revision = "a0c3d5e7f901"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sku", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("items")
