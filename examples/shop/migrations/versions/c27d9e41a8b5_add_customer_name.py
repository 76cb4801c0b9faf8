"""add customer name

Revision ID: c27d9e41a8b5
Revises: 3f1c2a7b9d10
Create Date: 2026-09-04 14:12:00.000000

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "c27d9e41a8b5"
down_revision: Union[str, Sequence[str], None] = "3f1c2a7b9d10"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("name", sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("name")
