"""Return annotations on every function and method, with a safe `-> None` fix."""

from typing import Iterable


from pants_hygiene.annotations import rules as annotations_rules
from pants_hygiene.annotations import skip_field
from pants_hygiene.util import tool


def rules() -> Iterable:
    return [*annotations_rules.rules(), *skip_field.rules(), *tool.rules()]
