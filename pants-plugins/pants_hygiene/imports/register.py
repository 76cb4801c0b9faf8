"""Import style tied to BUILD files: relative within one BUILD file's subtree, absolute across."""

from typing import Iterable

from ..reports import register as reports_register
from ..tool import register as tool_register
from . import rules as imports_rules
from . import fields


def rules() -> Iterable:
    return [
        *imports_rules.rules(),
        *fields.rules(),
        *tool_register.rules(),
        *reports_register.rules(),
    ]
