"""Import style tied to BUILD files: relative within one BUILD file's subtree, absolute across."""

from typing import Iterable

from pants_hygiene.imports import rules as imports_rules
from pants_hygiene.imports import skip_field
from pants_hygiene.util import tool


def rules() -> Iterable:
    return [*imports_rules.rules(), *skip_field.rules(), *tool.rules()]
