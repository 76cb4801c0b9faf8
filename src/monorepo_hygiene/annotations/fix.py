"""The safe fixes: `-> None` where it is provably right (HA101), and a fixture parameter's
annotation taken from its fixture (HA103), with the imports it needs; nowhere else.

Which functions and parameters qualify is decided by the check (`provable.NoneReturnJudge` and
`fixture_plan.plan_fixture_annotations`, via the finding's `fixable` flag), so `pants lint` and
`pants fix` never disagree. A file that only needs `-> None` is edited as text (`text_fix`) when
that is shown right, else by libcst (`cst_fix`); both keep formatting and comments.
Findings silenced by `# noqa` or not selected are not fixed.
"""

from __future__ import annotations

from typing import Optional, Tuple

from ..file_checker import fix_content
from ..findings import Finding
from .check import Conftests, FixturePlan, check_source_and_plan
from .codes import MISSING_FIXTURE_ANNOTATION, MISSING_RETURN_ANNOTATION
from .options import DEFAULT_OPTIONS, AnnotationOptions
from .text_fix import add_none_returns


def fix_source(
    path: str,
    content: bytes,
    options: AnnotationOptions = DEFAULT_OPTIONS,
    conftests: Conftests = (),
) -> Optional[bytes]:
    """The fixed file, in its own encoding, compile-checked (`file_checker.fix_content`); None
    when nothing changed. Raises SourceError, and CannotFix for a fix that can't be made."""
    findings, plan = check_source_and_plan(path, content, options, conftests)
    return fix_checked(path, content, findings, plan)


def fix_checked(
    path: str, content: bytes, findings: Tuple[Finding, ...], plan: FixturePlan
) -> Optional[bytes]:
    """`fix_source` of a file already checked: its findings and plan as
    `check.check_source_and_plan` returned them, which the fix makes."""
    fixable = [f for f in findings if f.fixable]
    # A `def` always starts its line, so the line alone names the function.
    def_lines = frozenset(f.line for f in fixable if f.code == MISSING_RETURN_ANNOTATION)
    parameters = frozenset((f.line, f.col) for f in fixable if f.code == MISSING_FIXTURE_ANNOTATION)
    if not def_lines and not parameters:
        return None

    def text_edit(body: bytes) -> Optional[bytes]:
        return None if parameters else add_none_returns(body, def_lines)

    def cst_edit(body: bytes) -> Optional[bytes]:
        # Imported here: a process whose fixes all go in on the text never loads libcst, whose
        # import costs more CPU (~0.4 s) than checking a hundred files.
        from .cst_fix import annotate

        return annotate(path, body, def_lines, parameters, plan)

    return fix_content(path, content, text_edit, cst_edit)
