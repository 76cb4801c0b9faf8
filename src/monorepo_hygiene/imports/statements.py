"""Import statements in one shape, whichever parser read them.

The checker reads files with the stdlib `ast` (fast) and the fixer rewrites them with libcst
(lossless); both describe each import statement as an `ImportStatement`, in source order, so
the fixer can pair the k-th statement libcst visits with the k-th one the checker judged.
"""

from __future__ import annotations

import ast
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Type

from ..source import LINE_BREAK_RE

# (name, asname) per imported name; None stands for `*`.
ImportedNames = Optional[Tuple[Tuple[str, Optional[str]], ...]]
# What a statement imports, without where it is: (is_from, level, module, names).
StatementShape = Tuple[bool, int, str, ImportedNames]


class ImportStatement(NamedTuple):
    is_from: bool
    level: int
    # The dotted name after `from` ("" for `from . import x`); "" for plain `import` statements.
    module: str
    # For plain `import a.b as c` statements, the dotted names are the imported names.
    names: ImportedNames
    line: int
    # 0-based, in UTF-8 bytes as `ast` counts.
    col: int
    end_line: int

    @property
    def shape(self) -> StatementShape:
        return self.is_from, self.level, self.module, self.names

    @property
    def spelled_module(self) -> str:
        """The module part as written, dots included: `..models`."""
        return "." * self.level + self.module


def source_lines(text: str, needed: int = 0) -> List[str]:
    """The lines of a source text, numbered as Python numbers them (from 0 here).

    With `needed`, only that many lines are split off (the rest stays in one last item):
    imports sit near the top, and splitting a whole long file for them is wasted time.
    """
    return LINE_BREAK_RE.split(text, needed)


# The fields of compound statements (and their clauses) that hold statements, in source order:
# the fixer visits statements in source order too, and pairs them up by position in the list.
_BLOCK_FIELDS: Dict[Type[ast.AST], Tuple[str, ...]] = {
    ast.FunctionDef: ("body",),
    ast.AsyncFunctionDef: ("body",),
    ast.ClassDef: ("body",),
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.ExceptHandler: ("body",),
}
for _name, _fields in (
    ("TryStar", ("body", "handlers", "orelse", "finalbody")),
    ("Match", ("cases",)),
    ("match_case", ("body",)),
):
    if hasattr(ast, _name):  # Python 3.10+ / 3.11+ syntax.
        _BLOCK_FIELDS[getattr(ast, _name)] = _fields


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
        else:
            fields = _BLOCK_FIELDS.get(type(node))
            if fields is not None:
                for field_name in fields:
                    _collect(getattr(node, field_name), found)
