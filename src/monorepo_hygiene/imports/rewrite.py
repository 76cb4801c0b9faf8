"""libcst side of the import fix: rewriting judged statements.

Rewrites change only the `from` part of a statement (dots and module name), with
`with_changes`, so the imported names, their comments, parentheses and the statement's
trailing comment are kept byte for byte.
"""

from __future__ import annotations

from typing import List, Mapping, Optional, Sequence, Union

import libcst as cst

from .cst_statements import statement_shape
from .errors import StatementMismatch, UnfixableFile
from .statements import ImportStatement, Rewrite


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
        found = statement_shape(node)
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
