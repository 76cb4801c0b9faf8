"""merge orders and customer name

Revision ID: 5b0f7d3e2a94
Revises: 8a4e6b2c0f31, c27d9e41a8b5
Create Date: 2026-09-05 08:00:00.000000

"""

from typing import Sequence, Union



# revision identifiers, used by Alembic.
revision: str = "5b0f7d3e2a94"
down_revision: Union[str, Sequence[str], None] = ("8a4e6b2c0f31", "c27d9e41a8b5")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
