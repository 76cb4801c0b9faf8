"""index orders by customer

Revision ID: e9a1f4c6d283
Revises: 5b0f7d3e2a94
Create Date: 2026-09-10 16:45:00.000000

"""

from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = "e9a1f4c6d283"
down_revision: Union[str, Sequence[str], None] = "5b0f7d3e2a94"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_orders_customer_id", table_name="orders")
