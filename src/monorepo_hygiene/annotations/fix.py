"""The safe fix for HA101: add `-> None` where it is provably right, and nowhere else.

Which functions qualify is decided by the check (`provable.NoneReturnJudge`, via the finding's
`fixable` flag), so `pants lint` and `pants fix` never disagree. The edit is made on the text
(`text_fix`) when that is shown right, else by libcst; both keep formatting and comments.
Findings silenced by `# noqa` or not selected are not fixed.
"""

from __future__ import annotations

from typing import FrozenSet, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .check import DEFAULT_OPTIONS, AnnotationOptions, check_source
from .cst_functions import parse_cst
from .text_fix import add_none_returns


def fix_source(
    path: str, content: bytes, options: AnnotationOptions = DEFAULT_OPTIONS
) -> Optional[bytes]:
    """The fixed file, in its own encoding; None when nothing changed. Raises SourceError."""
    # A `def` always starts its line, so the line alone names the function.
    def_lines = frozenset(
        finding.line for finding in check_source(path, content, options) if finding.fixable
    )
    if not def_lines:
        return None
    fixed_text = add_none_returns(content, def_lines)
    if fixed_text is not None:
        return fixed_text
    module = parse_cst(path, content)
    if module.bytes != content:
        # libcst can't reproduce a few files byte for byte (a form feed before a statement, a
        # lone \r ending the file): an edit would change more than the annotation.
        return None
    fixed = MetadataWrapper(module, unsafe_skip_copy=True).visit(_AddNoneReturn(def_lines)).bytes
    return fixed if fixed != content else None


class _AddNoneReturn(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, def_lines: FrozenSet[int]) -> None:
        super().__init__()
        self._def_lines = def_lines  # The line of each `def`/`async` to annotate.

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if self.get_metadata(PositionProvider, original_node).start.line not in self._def_lines:
            return updated_node
        return updated_node.with_changes(returns=cst.Annotation(cst.Name("None")))
