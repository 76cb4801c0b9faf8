"""Statement blocks nested in compound statements: the one table every capability walks.

Checkers look for statements (`def`, `class`, `import`, `return`) by walking statement blocks
only, never expressions: walking every node in Python would cost as much as the C parser itself.
"""

from __future__ import annotations

import ast
from typing import Dict, Iterator, Sequence, Tuple, Type

# The fields of compound statements (other than `def` and `class`, whose bodies are scopes each
# walker treats its own way) that hold statements, in source order; `handlers` and `cases` hold
# clauses, each with a body.
_BLOCK_FIELDS: Dict[Type[ast.stmt], Tuple[str, ...]] = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
}
_CLAUSE_FIELDS = ("handlers", "cases")
TRY_TYPES: Tuple[Type[ast.stmt], ...] = (ast.Try,)
MATCH_TYPES: Tuple[Type[ast.stmt], ...] = ()
if hasattr(ast, "TryStar"):  # Python 3.11+.
    _BLOCK_FIELDS[ast.TryStar] = _BLOCK_FIELDS[ast.Try]
    TRY_TYPES += (ast.TryStar,)
if hasattr(ast, "Match"):  # Python 3.10+.
    _BLOCK_FIELDS[ast.Match] = ("cases",)
    MATCH_TYPES += (ast.Match,)
# For a walker's fast test (a set lookup, no generator) before asking for `inner_blocks`.
COMPOUND_TYPES = frozenset(_BLOCK_FIELDS)


def inner_blocks(statement: ast.stmt) -> Iterator[Sequence[ast.stmt]]:
    """The statement blocks of a compound statement other than `def` and `class`, in source
    order: `try`'s body, each handler's, `else`, `finally`; each `case` of a `match`. None for
    any other statement."""
    for name in _BLOCK_FIELDS.get(type(statement), ()):
        value = getattr(statement, name)
        if name in _CLAUSE_FIELDS:
            for clause in value:
                yield clause.body
        else:
            yield value
