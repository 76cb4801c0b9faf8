"""Import statements in one shape, whichever parser read them.

Two front ends describe a file's import statements in these terms, in source order:
`ast_statements` (the fast path, stdlib `ast`) and `cst_statements` (libcst, for syntax newer
than the running interpreter). The fixer (`rewrite`) pairs the k-th statement libcst visits with
the k-th one the checker judged.
"""

from __future__ import annotations

from typing import List, NamedTuple, Optional, Tuple

from ..source import LINE_BREAK_RE

# (name, asname) per imported name; None stands for `*`.
ImportedNames = Optional[Tuple[Tuple[str, Optional[str]], ...]]
# What a statement imports, without where it is: (is_from, level, module, names).
StatementShape = Tuple[bool, int, str, ImportedNames]


class Rewrite(NamedTuple):
    """The `from` part a fixed statement gets: `level` dots, then `module`."""

    level: int
    module: str


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
