"""The libcst front end: import statements of code whose syntax is newer than the running
interpreter's `ast`, and the shape of a statement the fixer visits."""

from __future__ import annotations

from typing import List, Sequence, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node_or_raise
from libcst.metadata import MetadataWrapper, PositionProvider

from .statements import ImportedNames, ImportStatement, StatementShape, source_lines


def statements_from_cst(text: str) -> List[ImportStatement]:
    """Every import statement, as `ast_statements.statements_from_ast` finds them, for code the
    running interpreter's `ast` can't parse."""
    collector = _ImportCollector(source_lines(text))
    MetadataWrapper(cst.parse_module(text)).visit(collector)
    return collector.statements


def statement_shape(node: Union[cst.Import, cst.ImportFrom]) -> StatementShape:
    """What `ImportStatement.shape` says for the statement this node is."""
    if isinstance(node, cst.Import):
        return False, 0, "", _names(node.names)
    module = "" if node.module is None else get_full_name_for_node_or_raise(node.module)
    names = None if isinstance(node.names, cst.ImportStar) else _names(node.names)
    return True, len(node.relative), module, names


def _names(aliases: Sequence[cst.ImportAlias]) -> ImportedNames:
    return tuple(
        (
            get_full_name_for_node_or_raise(alias.name),
            None if alias.asname is None else get_full_name_for_node_or_raise(alias.asname.name),
        )
        for alias in aliases
    )


class _ImportCollector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, lines: List[str]) -> None:
        super().__init__()
        self._lines = lines
        self.statements: List[ImportStatement] = []

    def visit_Import(self, node: cst.Import) -> bool:
        self._add(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._add(node)
        return False

    def _add(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        is_from, level, module, names = statement_shape(node)
        position = self.get_metadata(PositionProvider, node)
        line = position.start.line
        # libcst counts characters, `ast` (and so ImportStatement) UTF-8 bytes.
        col = len(self._lines[line - 1][: position.start.column].encode("utf-8"))
        self.statements.append(
            ImportStatement(is_from, level, module, names, line, col, position.end.line)
        )
