"""Alembic goals: `check-alembic` (static history checks) and `rebase-alembic`."""

from pants_hygiene.alembic import check_goal, discovery


def rules():
    return [*discovery.rules(), *check_goal.rules()]
