"""Alembic goals: `check-alembic` (static history checks) and `rebase-alembic`."""

from typing import Iterable

from ..reports import rules as reports_rules
from . import check_goal, discovery, rebase_goal


def rules() -> Iterable:
    return [*discovery.rules(), *check_goal.rules(), *rebase_goal.rules(), *reports_rules.rules()]
