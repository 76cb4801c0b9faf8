"""The libcst front end: import statements of code whose syntax is newer than the running
interpreter's `ast`, and the shape of a statement the fixer visits."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst._nodes.internal import CodegenState  # what libcst's own PositionProvider extends
from libcst.helpers import get_full_name_for_node_or_raise

from .statements import ImportedNames, ImportStatement, StatementShape, source_lines

_ImportNode = Union[cst.Import, cst.ImportFrom]
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def statements_from_cst(text: str, module: Optional[cst.Module] = None) -> List[ImportStatement]:
    """Every import statement, as `ast_statements.statements_from_ast` finds them, for code the
    running interpreter's `ast` can't parse (`module` is the text's libcst tree, if parsed).

    The places come from one pass of libcst's code generation that notes where each import's
    tokens begin and end, not from `PositionProvider`, which places every node of the file:
    3x cheaper, the same places (tested against it).
    """
    module = cst.parse_module(text) if module is None else module
    state = _ImportPlaces(
        default_indent=module.default_indent, default_newline=module.default_newline
    )
    module._codegen(state)
    places = _places(state.tokens, [index for _, *ends in state.marks for index in ends])
    lines = source_lines(text)
    statements = []
    for node, start, end in state.marks:
        is_from, level, name, names = statement_shape(node)
        line, column = places[start]
        # libcst counts characters, `ast` (and so ImportStatement) UTF-8 bytes.
        col = len(lines[line - 1][:column].encode("utf-8"))
        statements.append(ImportStatement(is_from, level, name, names, line, col, places[end][0]))
    return statements


@dataclass(frozen=False)
class _ImportPlaces(CodegenState):
    """Code generation that notes, for each import statement, the index of its first token and
    the index past its last, in `tokens`."""

    marks: List[Tuple[_ImportNode, int, int]] = field(default_factory=list)

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: Any = None, end_node: Any = None
    ) -> Iterator[None]:
        start = len(self.tokens)
        yield
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            self.marks.append((node, start, len(self.tokens)))


def _places(tokens: List[str], indices: List[int]) -> Dict[int, Tuple[int, int]]:
    """1-based line and 0-based character column where the token at each index starts (for an
    index past the last token, where the code ends), lines counted as Python counts them."""
    places: Dict[int, Tuple[int, int]] = {}
    line, column, position = 1, 0, 0
    for index in sorted(set(indices)):
        for token in tokens[position:index]:
            parts = _LINE_BREAK_RE.split(token)
            if len(parts) > 1:
                line += len(parts) - 1
                column = len(parts[-1])
            else:
                column += len(token)
        position = index
        places[index] = (line, column)
    return places


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
