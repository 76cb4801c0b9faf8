"""add item stock

Revision ID: 1b2d4f6a8c0e
Revises: a0c3d5e7f901
Create Date: 2026-08-22 15:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

revision = "1b2d4f6a8c0e"
down_revision = "a0c3d5e7f901"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("stock", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("items", "stock")
