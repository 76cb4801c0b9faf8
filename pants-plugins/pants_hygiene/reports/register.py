"""`[hygiene-reports]` and `pants hygiene-baseline`: how every lint check reports. Not a backend
of its own: the lint checks' backends register it."""

from typing import Iterable

from . import baseline_goal
from . import rules as reports_rules


def rules() -> Iterable:
    return [*reports_rules.rules(), *baseline_goal.rules()]
