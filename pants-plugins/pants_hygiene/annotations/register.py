"""Return annotations on every function and method, with a safe `-> None` fix."""

from typing import Iterable

from ..util import baseline_goal, tool
from . import rules as annotations_rules
from . import skip_field


def rules() -> Iterable:
    return [*annotations_rules.rules(), *skip_field.rules(), *tool.rules(), *baseline_goal.rules()]
