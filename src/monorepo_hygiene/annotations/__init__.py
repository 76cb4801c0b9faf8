"""Return (and parameter) annotations on every function, with a safe `-> None` fix.

HA101 missing return annotation (on by default), HA102 missing parameter annotation (off by
default), HA103 missing annotation on a test's or fixture's parameter naming a fixture (off by
default, fixed from the fixture's type), HA100 a file that can't be checked, HA105 one whose fix
couldn't be made (a warning). See
`codes.RULE_DOCS`; the Pants adapter runs `python -m monorepo_hygiene.annotations` (see
`cli`). The libcst fix (`cst_fix`) is loaded only for a file whose fix can't go in on the
text: checking alone, and most fixing, never loads libcst.
"""

from __future__ import annotations

from .batch import BatchResult, check_files, fix_files
from .check import check_source
from .codes import (
    CANNOT_CHECK_FILE,
    CANNOT_FIX_FILE,
    MISSING_FIXTURE_ANNOTATION,
    MISSING_PARAMETER_ANNOTATION,
    MISSING_RETURN_ANNOTATION,
    RULE_CODES,
    RULE_DOCS,
)
from .options import AnnotationOptions

__all__ = [
    "CANNOT_CHECK_FILE",
    "CANNOT_FIX_FILE",
    "MISSING_FIXTURE_ANNOTATION",
    "MISSING_PARAMETER_ANNOTATION",
    "MISSING_RETURN_ANNOTATION",
    "RULE_CODES",
    "RULE_DOCS",
    "AnnotationOptions",
    "BatchResult",
    "check_files",
    "check_source",
    "fix_files",
]
