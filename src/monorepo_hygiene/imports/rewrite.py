"""libcst side of the import rule: rewriting judged statements, and reading newer syntax.

Rewrites change only the `from` part of a statement (dots and module name), with
`with_changes`, so the imported names, their comments, parentheses and the statement's
trailing comment are kept byte for byte.
"""

from __future__ import annotations

from typing import List, Mapping, Optional, Sequence, Union

import libcst as cst
from libcst.helpers import get_full_name_for_node_or_raise
from libcst.metadata import MetadataWrapper, PositionProvider

from .errors import StatementMismatch, UnfixableFile
from .statements import (
    ImportedNames,
    ImportStatement,
    StatementShape,
    source_lines,
)
from .verdicts import Rewrite


def apply_rewrites(
    content: bytes, statements: Sequence[ImportStatement], rewrites: Mapping[int, Rewrite]
) -> bytes:
    """`content` with the statements at the given positions (in `statements`) rewritten.

    Raises UnfixableFile when libcst can't give the file back unchanged before any rewrite
    (it drops form feeds that start a line, for one): fixing must not touch anything else.
    """
    try:
        module = cst.parse_module(content)
        if module.bytes != content:
            raise UnfixableFile(
                "libcst doesn't reproduce it exactly (a form feed starting a line?)"
            )
        rewriter = _ImportRewriter(statements, rewrites)
        new_content = module.visit(rewriter).bytes
    except cst.ParserSyntaxError as e:
        raise UnfixableFile(f"libcst can't parse it ({e.message})") from None
    except RecursionError:
        raise UnfixableFile("too deeply nested for libcst") from None
    if rewriter.visited != len(statements):
        raise StatementMismatch(rewriter.visited, statements[rewriter.visited].shape, None)
    return new_content


def statements_from_cst(text: str) -> List[ImportStatement]:
    """Every import statement, as `statements_from_ast` finds them, for code `ast` can't parse."""
    collector = _ImportCollector(source_lines(text))
    MetadataWrapper(cst.parse_module(text)).visit(collector)
    return collector.statements


def _shape(node: Union[cst.Import, cst.ImportFrom]) -> StatementShape:
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


class _ImportRewriter(cst.CSTTransformer):
    def __init__(
        self, statements: Sequence[ImportStatement], rewrites: Mapping[int, Rewrite]
    ) -> None:
        super().__init__()
        self._statements = statements
        self._rewrites = rewrites
        self.visited = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Imports are small statements; nothing inside one, or inside an expression, can be an
        # import, and not descending there more than halves the cost of the visit.
        return not isinstance(node, (cst.BaseSmallStatement, cst.BaseExpression))

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        rewrite = self._rewrite_for(original_node)
        return updated_node if rewrite is None else _with_from_part(updated_node, rewrite)

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> Union[cst.Import, cst.ImportFrom]:
        rewrite = self._rewrite_for(original_node)
        if rewrite is None:
            return updated_node
        # The verdict only rewrites `import a.b.c as d`: one alias, a dotted name, an `as`.
        (alias,) = updated_node.names
        assert isinstance(alias.name, cst.Attribute)
        return cst.ImportFrom(
            module=_dotted_name(rewrite.module),
            names=[alias.with_changes(name=alias.name.attr, comma=cst.MaybeSentinel.DEFAULT)],
            relative=_dots(rewrite.level),
            whitespace_after_import=updated_node.whitespace_after_import,
            semicolon=updated_node.semicolon,
        )

    def _rewrite_for(self, node: Union[cst.Import, cst.ImportFrom]) -> Optional[Rewrite]:
        ordinal = self.visited
        self.visited += 1
        expected = self._statements[ordinal].shape if ordinal < len(self._statements) else None
        found = _shape(node)
        if found != expected:
            raise StatementMismatch(ordinal, expected, found)
        return self._rewrites.get(ordinal)


def _with_from_part(node: cst.ImportFrom, rewrite: Rewrite) -> cst.ImportFrom:
    module = _dotted_name(rewrite.module)
    # `from.x import y` and `from .import y` are valid; their absolute forms need the spaces.
    whitespace_after_from = node.whitespace_after_from
    if rewrite.level == 0 and not whitespace_after_from.value:
        whitespace_after_from = cst.SimpleWhitespace(" ")
    whitespace_before_import = node.whitespace_before_import
    if module is not None and not whitespace_before_import.value:
        whitespace_before_import = cst.SimpleWhitespace(" ")
    return node.with_changes(
        relative=_dots(rewrite.level),
        module=module,
        whitespace_after_from=whitespace_after_from,
        whitespace_before_import=whitespace_before_import,
    )


def _dots(level: int) -> List[cst.Dot]:
    return [cst.Dot() for _ in range(level)]


def _dotted_name(name: str) -> Optional[Union[cst.Name, cst.Attribute]]:
    if not name:
        return None
    first, *rest = name.split(".")
    node: Union[cst.Name, cst.Attribute] = cst.Name(first)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


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
        is_from, level, module, names = _shape(node)
        position = self.get_metadata(PositionProvider, node)
        line = position.start.line
        # libcst counts characters, `ast` (and so ImportStatement) UTF-8 bytes.
        col = len(self._lines[line - 1][: position.start.column].encode("utf-8"))
        self.statements.append(
            ImportStatement(is_from, level, module, names, line, col, position.end.line)
        )
