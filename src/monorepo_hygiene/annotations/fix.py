"""The safe fixes: `-> None` where it is provably right (HA101), and a fixture parameter's
annotation taken from its fixture (HA103), with the imports it needs; nowhere else.

Which functions and parameters qualify is decided by the check (`provable.NoneReturnJudge` and
`fixture_plan.plan_fixture_annotations`, via the finding's `fixable` flag), so `pants lint` and
`pants fix` never disagree. A file that only needs `-> None` is edited as text (`text_fix`) when
that is shown right, else by libcst; both keep formatting and comments.
Findings silenced by `# noqa` or not selected are not fixed.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from ..file_checker import fix_content
from ..findings import Finding
from .check import Conftests, FixturePlan, check_source_and_plan
from .codes import MISSING_FIXTURE_ANNOTATION, MISSING_RETURN_ANNOTATION
from .cst_functions import parse_cst
from .fixtures import ImportNeed
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
        return _annotate(path, body, def_lines, parameters, plan)

    return fix_content(path, content, text_edit, cst_edit)


def _annotate(
    path: str,
    content: bytes,
    def_lines: FrozenSet[int],
    parameters: FrozenSet[Tuple[int, int]],
    plan: FixturePlan,
) -> Optional[bytes]:
    """The libcst edit: `-> None` on the functions at `def_lines`, the planned annotation on the
    `parameters`, and the imports they need; None when nothing changes."""
    module = parse_cst(path, content)
    if module.bytes != content:
        # libcst can't reproduce a few files byte for byte (a form feed before a statement, a
        # lone \r ending the file): an edit would change more than the annotation.
        return None
    annotations: Dict[Tuple[int, str], str] = {}
    imports: Dict[Tuple[int, str], Tuple[ImportNeed, ...]] = {}
    if parameters:
        for key, planned in plan.items():
            if planned.text is not None:
                annotations[key] = planned.text
                imports[key] = planned.imports
    transformer = _Annotate(def_lines, parameters, annotations)
    fixed_module = MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    needed = sorted({need for key in transformer.annotated for need in imports[key]})
    if needed:
        fixed_module = _add_imports(fixed_module, needed)
    fixed = fixed_module.bytes
    return fixed if fixed != content else None


def _add_imports(module: cst.Module, needs: List[ImportNeed]) -> cst.Module:
    context = CodemodContext()
    for need in needs:
        if need.name is None:
            AddImportsVisitor.add_needed_import(context, need.module, asname=need.asname)
        else:
            AddImportsVisitor.add_needed_import(
                context, need.module, need.name, need.asname, need.level
            )
    return AddImportsVisitor(context).transform_module(module)


class _Annotate(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(
        self,
        def_lines: FrozenSet[int],
        parameters: FrozenSet[Tuple[int, int]],
        annotations: Dict[Tuple[int, str], str],
    ) -> None:
        super().__init__()
        self._def_lines = def_lines  # The line of each `def`/`async` to annotate `-> None`.
        self._parameters = parameters  # (line, 1-based column) of each parameter to annotate.
        self._annotations = annotations  # Their annotations, by (line of `def`, name).
        self._functions: List[int] = []  # The line of each enclosing `def`, innermost last.
        self.annotated: Set[Tuple[int, str]] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(self.get_metadata(PositionProvider, node).start.line)

    def leave_Param(self, original_node: cst.Param, updated_node: cst.Param) -> cst.Param:
        if not self._functions:  # A lambda's, outside any function.
            return updated_node
        start = self.get_metadata(PositionProvider, original_node.name).start
        key = (self._functions[-1], original_node.name.value)
        text = self._annotations.get(key)
        if (start.line, start.column + 1) not in self._parameters or text is None:
            return updated_node
        self.annotated.add(key)
        return updated_node.with_changes(annotation=cst.Annotation(cst.parse_expression(text)))

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        line = self._functions.pop()
        if line not in self._def_lines:
            return updated_node
        return updated_node.with_changes(returns=cst.Annotation(cst.Name("None")))
