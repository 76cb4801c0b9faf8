"""The annotation fix made with libcst (`fix.fix_source` uses it when the edit on the text can't
be shown right, or for HA103): `-> None` and fixture parameters' annotations, with the imports
they need; formatting and comments kept."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from .check import FixturePlan
from .cst_functions import parse_cst
from .fixtures import ImportNeed


def annotate(
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
