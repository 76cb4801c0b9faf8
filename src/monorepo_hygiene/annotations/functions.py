"""What the annotation rule needs to know about one function, whichever parser read the file.

Two front ends describe functions in these terms: `ast_functions` (the fast path, stdlib `ast`)
and `cst_functions` (libcst, for syntax newer than the running interpreter). The rule itself
(`check.py`) only talks to `FunctionView`, so both paths report the same findings by
construction; a test checks that on code both parsers can read.
"""

from __future__ import annotations

import abc
from collections import Counter
from dataclasses import dataclass
from typing import Callable, FrozenSet, List, Mapping, Optional, Tuple

from ..source import LINE_BREAK_RE

METHOD_DECORATORS: FrozenSet[str] = frozenset({"staticmethod", "classmethod"})


class SourceLines:
    """A file's physical lines, 1-based, numbered as `ast` and libcst number them.

    Decoded and split only when first asked for: most files have no finding that needs the text
    (noqa comments, character columns), and the fast path must not pay for it.
    """

    def __init__(self, load_text: Callable[[], str]) -> None:
        self._load_text = load_text
        self._text: Optional[str] = None
        self._lines: Optional[List[str]] = None

    def __getitem__(self, line: int) -> str:
        lines = self._split()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def __len__(self) -> int:
        return len(self._split())

    def text(self) -> str:
        if self._text is None:
            self._text = self._load_text()
        return self._text

    def _split(self) -> List[str]:
        # Not str.splitlines(): it also breaks on \f, \v, \x1c.. and \u2028, which Python's
        # tokenizer does not, and line numbers would drift from the parsers'.
        if self._lines is None:
            self._lines = LINE_BREAK_RE.split(self.text())
        return self._lines


@dataclass(frozen=True)
class Parameter:
    name: str  # As written in the signature, with `*`/`**` for the variadic ones.
    line: int
    col: int  # 1-based character column of the name.
    annotated: bool
    positional: bool  # Positional-only or positional-or-keyword: could be `self`/`cls`.


@dataclass(frozen=True)
class Flow:
    """One statement of a function body, as much as reachability needs to know of it.

    `kind` is `raise`, `return`, `break`, `continue`, `assert_false` (`assert False`), `call`
    (an expression statement calling `call`, a dotted name), `other`, or a compound statement
    whose `blocks` are laid out per kind: `if` (body, else), `loop` (body, else; `infinite` for
    `while True`/`while 1`), `with` (body), `try` (body, else, finally, *handlers), `match`
    (one block per case). Nested functions and classes are `other`.
    """

    kind: str
    blocks: Tuple[Tuple[Flow, ...], ...] = ()
    call: Optional[str] = None
    infinite: bool = False


OTHER_FLOW = Flow("other")


@dataclass(frozen=True)
class BodyFacts:
    """What a function's own body says about its return type (nested scopes aside)."""

    returns_value: bool  # A `return <value>` other than `return None`.
    yields: bool  # A generator: `yield` in its scope, decorators and defaults of nested ones too.
    # Only `...`, `pass`, docstrings and `return`/`return None`: a stub, or a default meant to
    # be overridden, whose overrides (maybe in other files) may return anything.
    placeholder_only: bool
    flow: Tuple[Flow, ...]


@dataclass(frozen=True, eq=False)
class ClassView:
    """A class statement, as much as the override rule needs: compared by identity."""

    name: str
    module_level: bool  # In the module's own scope (possibly under if/try/...), not nested.
    # Each base as a dotted name (`Base`, `abc.ABC`); None for anything else (`Generic[T]`,
    # `*bases`, a call): a base nobody can name statically.
    bases: Tuple[Optional[str], ...]
    # Names its body binds other than by a `def` directly in it (through if/try/...):
    # assignments, imports, nested classes, loop and `with` targets.
    other_bindings: FrozenSet[str]


@dataclass(frozen=True)
class NameBindings:
    """Every binding of every name anywhere in the file: defs, classes, parameters, imports,
    assignment, loop, `with`, `except`, `match` and walrus targets, `global`/`nonlocal`."""

    counts: Counter[str]
    star_import: bool  # `from m import *` binds names nobody can list.
    # What the absolute imports directly in the module's body (not under if/try/...) bind:
    # name -> dotted target (`import collections.abc as cabc`: `cabc` -> `collections.abc`;
    # `import collections.abc`: `collections` -> `collections`; `from abc import ABC`: `ABC`
    # -> `abc.ABC`). Whether a name is bound only there is for `counts` to say.
    module_imports: Mapping[str, str]


class FunctionView(abc.ABC):
    """One `def` or `async def`, nested or not. Position is the `def` (or `async`) keyword."""

    name: str
    line: int
    col: int  # 1-based.
    # The class whose body defines it directly (possibly under if/try/...), if any.
    owner: Optional[ClassView]
    module_level: bool  # Defined in the module's own scope (possibly under if/try/...).
    # Functions with the same scope key share an enclosing body (module, class or function).
    scope: int
    has_return_annotation: bool

    @property
    def is_method(self) -> bool:
        return self.owner is not None

    def method_decorators(self) -> FrozenSet[str]:
        """Which of the builtin `staticmethod` and `classmethod` decorate it."""
        names = (
            name[len("builtins.") :] if name and name.startswith("builtins.") else name
            for name in self.decorator_names()
        )
        return frozenset(name for name in names if name in METHOD_DECORATORS)

    @abc.abstractmethod
    def decorator_names(self) -> Tuple[Optional[str], ...]:
        """Each decorator as a dotted name (`overload`, `abc.abstractmethod`); None for others
        (a call, a subscript)."""

    @abc.abstractmethod
    def return_annotation_name(self) -> Optional[str]:
        """The return annotation as a dotted name (`None`, `typing.NoReturn`), a string
        annotation's text, or None when there is none or it is anything else."""

    @abc.abstractmethod
    def parameters(self) -> Tuple[Parameter, ...]:
        """All parameters in signature order, `self`/`cls` included."""

    @abc.abstractmethod
    def signature_lines(self) -> Tuple[int, int]:
        """First and last line a `# noqa` may sit on: first decorator through the `:`."""

    @abc.abstractmethod
    def body_facts(self) -> BodyFacts:
        """What the body says; only asked of functions that lack a return annotation."""


class ModuleView(abc.ABC):
    """One file's functions and classes, as a front end read them."""

    functions: List[FunctionView]
    classes: List[ClassView]

    @abc.abstractmethod
    def name_bindings(self) -> NameBindings:
        """Computed on demand: it walks the whole tree, which most files never need."""


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
