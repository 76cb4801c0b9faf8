"""Return annotations on every function and method, with a safe `-> None` fix."""

from typing import Iterable

from ..util import baseline_goal, tool
from . import rules as annotations_rules
from . import fields


def rules() -> Iterable:
    return [*annotations_rules.rules(), *fields.rules(), *tool.rules(), *baseline_goal.rules()]
