"""BUILD-file coverage: unowned Python files, wrong target kinds, missing and stale BUILD files."""

from typing import Iterable

from ..reports import register as reports_register
from . import rules as build_files_rules


def rules() -> Iterable:
    return [*build_files_rules.rules(), *reports_register.rules()]
