"""Import style tied to BUILD files: relative within one BUILD file's subtree, absolute across."""

from typing import Iterable

from ..util import baseline_goal, tool
from . import rules as imports_rules
from . import fields


def rules() -> Iterable:
    return [*imports_rules.rules(), *fields.rules(), *tool.rules(), *baseline_goal.rules()]
