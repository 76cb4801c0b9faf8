"""What the annotation rule needs to know about one function, whichever parser read the file.

Two front ends describe functions in these terms: `ast_functions` (the fast path, stdlib `ast`)
and `cst_functions` (libcst, for syntax newer than the running interpreter). The rule itself
(`check.py`) only talks to `FunctionView`, so both paths report the same findings by
construction; a test checks that on code both parsers can read.
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass
from typing import Callable, FrozenSet, List, Optional, Tuple

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
METHOD_DECORATORS: FrozenSet[str] = frozenset({"staticmethod", "classmethod"})


class SourceLines:
    """A file's physical lines, 1-based, numbered as `ast` and libcst number them.

    Decoded and split only when first asked for: most files have no finding that needs the text
    (noqa comments, character columns), and the fast path must not pay for it.
    """

    def __init__(self, load_text: Callable[[], str]) -> None:
        self._load_text = load_text
        self._lines: Optional[List[str]] = None

    def __getitem__(self, line: int) -> str:
        lines = self._split()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def __len__(self) -> int:
        return len(self._split())

    def _split(self) -> List[str]:
        # Not str.splitlines(): it also breaks on \f, \v, \x1c.. and \u2028, which Python's
        # tokenizer does not, and line numbers would drift from the parsers'.
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self._load_text())
        return self._lines


@dataclass(frozen=True)
class Parameter:
    name: str  # As written in the signature, with `*`/`**` for the variadic ones.
    line: int
    col: int  # 1-based character column of the name.
    annotated: bool
    positional: bool  # Positional-only or positional-or-keyword: could be `self`/`cls`.


class FunctionView(abc.ABC):
    """One `def` or `async def`, nested or not. Position is the `def` (or `async`) keyword."""

    name: str
    line: int
    col: int  # 1-based.
    is_method: bool  # Defined directly in a class body (possibly under if/try/...).
    has_return_annotation: bool

    @abc.abstractmethod
    def method_decorators(self) -> FrozenSet[str]:
        """Which of the builtin `staticmethod` and `classmethod` decorate it."""

    @abc.abstractmethod
    def parameters(self) -> Tuple[Parameter, ...]:
        """All parameters in signature order, `self`/`cls` included."""

    @abc.abstractmethod
    def signature_lines(self) -> Tuple[int, int]:
        """First and last line a `# noqa` may sit on: first decorator through the `:`."""

    @abc.abstractmethod
    def none_return_is_provable(self) -> bool:
        """Whether `-> None` is certainly right, judged from the body alone.

        False for a body that returns a value (nested functions and classes aside), yields
        (a generator), or only holds placeholders and raises (`...`, `pass`, docstrings,
        `raise`): stubs, abstract methods, Protocol members and overload signatures, whose
        real return type is not written in the body.
        """


def signature_end_line(lines: SourceLines, line: int, col: int) -> int:
    """The line of the `:` ending a signature, scanning from (line, 0-based character col).

    Callers start after the last signature element that may hold a `:` or `#` of its own
    (annotations, defaults, type parameters), so only brackets, commas, `->`, whitespace,
    comments and line continuations stand between the start and the colon.
    """
    for number in range(line, len(lines) + 1):
        for char in lines[number][col:]:
            if char == "#":
                break
            if char == ":":
                return number
        col = 0
    raise ValueError(f"no `:` after line {line}: the parser and the text disagree")


def decorator_start_line(lines: SourceLines, expression_line: int) -> int:
    """The line of a decorator's `@`, given the line where its expression starts.

    They differ only for a parenthesized decorator split across lines (`@(\\n  name\\n)`),
    where `ast` places the expression inside the brackets; the `@` opens its line.
    """
    line = expression_line
    while line > 1 and not lines[line].lstrip().startswith("@"):
        line -= 1
    return line
