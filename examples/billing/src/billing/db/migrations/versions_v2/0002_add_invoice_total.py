"""add invoice total

Revision ID: 8f1a3b5c7d9e
Revises: 3c5e7a9b1d2f
Create Date: 2026-11-29 20:05:00.000000

"""

from alembic import op
import sqlalchemy as sa

from billing import models

revision = "8f1a3b5c7d9e"
down_revision = "3c5e7a9b1d2f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        models.Invoice.__tablename__,
        sa.Column("total_cents", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column(models.Invoice.__tablename__, "total_cents")
