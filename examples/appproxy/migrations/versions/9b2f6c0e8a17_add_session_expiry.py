"""add session expiry

Revision ID: 9b2f6c0e8a17
Revises: 4d7e1a9c2b30
Create Date: 2026-10-01 10:00:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "9b2f6c0e8a17"
down_revision: Union[str, Sequence[str], None] = "4d7e1a9c2b30"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("sessions", "expires_at")
