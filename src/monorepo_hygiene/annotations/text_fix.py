"""The `-> None` edit made on the text, without libcst: `fix.fix_source` tries it first.

Adding a return annotation only inserts ` -> None` after a parameter list, so the tokenizer finds
the place from the `def` line on (a few tokens per function, where libcst costs ~50 ms a file
to parse, position and print a whole module). The result must parse to exactly the original
`ast` plus those annotations, or the edit is not used and libcst makes it instead.
"""

from __future__ import annotations

import ast
import tokenize
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple, Union

from ..source import NotEditable, edit_lines


def add_none_returns(content: bytes, def_lines: FrozenSet[int]) -> Optional[bytes]:
    """`content` with ` -> None` added to the function defined on each of `def_lines` (the line
    of its `def` or `async`), or None when the text edit can't be shown right (`edit_lines`):
    its `ast` must come out the same but for those annotations."""

    def annotate(lines: List[str]) -> None:
        # Every place is found before any edit, and edits are made from the last one back.
        ends = [_parameters_end(lines, line) for line in sorted(def_lines)]
        for line, col in sorted(ends, reverse=True):
            lines[line] = lines[line][:col] + " -> None" + lines[line][col:]

    return edit_lines(
        content, annotate, lambda tree, fixed: _same_but_none_returns(tree, fixed, def_lines)
    )


def _parameters_end(lines: List[str], def_line: int) -> Tuple[int, int]:
    """(0-based line, column) just after the `)` closing the parameters of the `def` on
    `def_line`, which must be followed by the `:` of a function without a return annotation."""
    tokens = tokenize.generate_tokens(iter(lines[def_line - 1 :]).__next__)
    significant: Iterator[tokenize.TokenInfo] = (
        token for token in tokens if token.type not in _LAYOUT
    )
    first = next(significant)
    if first.string == "async":
        first = next(significant)
    if first.string != "def":
        raise NotEditable
    depth = 0
    opened = False
    for token in significant:
        if token.type == tokenize.OP and token.string in "([{":
            opened = opened or (depth == 0 and token.string == "(")
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth == 0 and opened:
                if next(significant).string != ":":
                    raise NotEditable
                return def_line - 1 + token.end[0] - 1, token.end[1]
    raise NotEditable


_FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

_LAYOUT = frozenset(
    {tokenize.INDENT, tokenize.DEDENT, tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT}
)


def _same_but_none_returns(
    original: ast.Module, edited: ast.Module, def_lines: FrozenSet[int]
) -> bool:
    annotated: Dict[_FunctionNode, Optional[ast.expr]] = {}
    for node in ast.walk(edited):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno in def_lines:
            returns = node.returns
            if not (isinstance(returns, ast.Constant) and returns.value is None):
                return False
            annotated[node] = returns
    if {node.lineno for node in annotated} != def_lines:
        return False
    # Compared without the new annotations; the tree is shared with the check of the edited
    # text (`source.parse_tree`), so they are put back.
    try:
        for node in annotated:
            node.returns = None
        return ast.dump(original) == ast.dump(edited)
    finally:
        for node, returns in annotated.items():
            node.returns = returns
