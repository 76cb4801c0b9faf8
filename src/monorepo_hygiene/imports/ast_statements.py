"""The fast front end: import statements as the running interpreter's `ast` sees them."""

from __future__ import annotations

import ast
from typing import List, Sequence

from ..ast_blocks import COMPOUND_TYPES, inner_blocks
from .statements import ImportStatement

# Statements whose body is a scope of its own: imports there are found (and judged) too.
_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def statements_from_ast(module: ast.Module) -> List[ImportStatement]:
    """Every import statement of a module, at any depth, in source order.

    Imports are statements, so only statement blocks are walked, never expressions: this is
    what keeps the checker close to the cost of parsing.
    """
    found: List[ImportStatement] = []
    _collect(module.body, found)
    return found


def _collect(nodes: Sequence[ast.AST], found: List[ImportStatement]) -> None:
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            names = node.names
            found.append(
                ImportStatement(
                    True,
                    node.level or 0,
                    node.module or "",
                    None if names[0].name == "*" else tuple((a.name, a.asname) for a in names),
                    node.lineno,
                    node.col_offset,
                    node.end_lineno or node.lineno,
                )
            )
        elif isinstance(node, ast.Import):
            found.append(
                ImportStatement(
                    False,
                    0,
                    "",
                    tuple((a.name, a.asname) for a in node.names),
                    node.lineno,
                    node.col_offset,
                    node.end_lineno or node.lineno,
                )
            )
        elif isinstance(node, _SCOPE_TYPES):
            _collect(node.body, found)
        elif type(node) in COMPOUND_TYPES:
            for block in inner_blocks(node):
                _collect(block, found)
