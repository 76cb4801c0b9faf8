"""Return annotations on every function and method, with a safe `-> None` fix."""

from typing import Iterable

from ..reports import register as reports_register
from ..tool import register as tool_register
from . import rules as annotations_rules
from . import fields


def rules() -> Iterable:
    return [
        *annotations_rules.rules(),
        *fields.rules(),
        *tool_register.rules(),
        *reports_register.rules(),
    ]
