"""create invoices

Revision ID: 3c5e7a9b1d2f
Revises:
Create Date: 2026-11-29 20:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

from billing.models import CURRENCY_LENGTH, Invoice

revision = "3c5e7a9b1d2f"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        Invoice.__tablename__,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(CURRENCY_LENGTH), nullable=False),
    )


def downgrade() -> None:
    op.drop_table(Invoice.__tablename__)
