"""pytest fixtures as one module defines them, read from its `ast` (HA103): its fixtures, what
its module level binds (imports kept as `ImportNeed`s), and the names its parametrizations may
give values to. Which of them a parameter means is `fixture_scope`'s job.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from ..ast_blocks import TRY_TYPES, inner_blocks
from ..source import LINE_BREAK_RE
from .ast_functions import dotted_name

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]

FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)

CONFTEST = "conftest.py"

_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "fixture", "pytest_asyncio.fixture"})

_PARAMETRIZE = frozenset({"pytest.mark.parametrize", "mark.parametrize", "parametrize"})


@dataclass(frozen=True, order=True)
class ImportNeed:
    """One import the annotation needs, as the fixture's module wrote it."""

    module: str  # `sqlalchemy.orm` (without the dots of a relative import)
    name: Optional[str]  # `Session` for `from ... import Session`; None for `import module`
    asname: Optional[str]
    level: int = 0  # The dots of a relative import.

    @property
    def binds(self) -> str:
        if self.asname:
            return self.asname
        return self.name if self.name is not None else self.module.partition(".")[0]


def is_test_module(path: str) -> bool:
    """pytest's default `python_files`: `test_*.py` and `*_test.py`."""
    name = posixpath.basename(path)
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def conftest_directories(path: str) -> Iterator[str]:
    """The directories whose `conftest.py` apply to `path`, nearest first ("" is the root).

    A conftest.py's own directory is its own module, not a conftest above it.
    """
    directory = posixpath.dirname(path)
    if posixpath.basename(path) == CONFTEST:
        if not directory:
            return
        directory = posixpath.dirname(directory)
    while True:
        yield directory
        if not directory or directory in ("/", "."):
            return
        directory = posixpath.dirname(directory)


@dataclass(frozen=True)
class _Binding:
    kind: str  # `import`, `fixture`, `other`
    line: int
    need: Optional[ImportNeed] = None
    type_checking_only: bool = False


@dataclass
class FixtureDef:
    name: str
    node: FunctionNode
    owner: Optional[str]  # The class whose body defines it.


@dataclass
class Parametrized:
    """Names a parametrization may give values to instead of their fixtures."""

    names: Set[str] = field(default_factory=set)
    any_name: bool = False  # A `pytest_generate_tests` parametrizing names we can't read.


class FixtureModule:
    """One module's fixtures, module-level bindings and parametrizations, read from its `ast`."""

    def __init__(self, path: str, tree: ast.Module, text: Optional[str]) -> None:
        self.path = path
        self.directory = posixpath.dirname(path)
        self._text = text
        self._lines: Optional[List[str]] = None
        self.postponed = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(alias.name == "annotations" for alias in node.names)
            for node in tree.body
        )
        self.bindings: Dict[str, List[_Binding]] = {}
        self.fixtures: Dict[Optional[str], Dict[str, List[FixtureDef]]] = {}
        self.class_bindings: Dict[str, Set[str]] = {}
        self.generate_tests: Dict[Optional[str], Parametrized] = {}
        self.marks: Dict[Optional[str], Parametrized] = {}
        self.functions: List[Tuple[Optional[str], FunctionNode]] = []
        self._read_body(tree.body, owner=None, type_checking=False)

    def _read_body(
        self, statements: Sequence[ast.stmt], owner: Optional[str], type_checking: bool
    ) -> None:
        for statement in statements:
            if isinstance(statement, FUNCTION_TYPES):
                self._read_function(statement, owner)
            elif isinstance(statement, ast.ClassDef):
                self._bind(owner, statement.name, _Binding("other", statement.lineno))
                if owner is None:
                    self.class_bindings[statement.name] = set()
                    marks = self.marks.setdefault(statement.name, Parametrized())
                    for decorator in statement.decorator_list:
                        read_parametrize(decorator, marks)
                    self._read_body(statement.body, statement.name, type_checking)
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                for alias in statement.names:
                    need = _import_need(statement, alias)
                    name = need.binds if need else "*"
                    binding = _Binding("import", statement.lineno, need, type_checking)
                    self._bind(owner, name, binding)
            elif isinstance(statement, ast.If):
                guarded = type_checking or _is_type_checking(statement.test)
                self._read_body(statement.body, owner, guarded)
                self._read_body(statement.orelse, owner, type_checking)
            elif isinstance(statement, TRY_TYPES):
                for block in (statement.body, statement.orelse, statement.finalbody):
                    self._read_body(block, owner, type_checking)
                for handler in statement.handlers:
                    if handler.name:
                        self._bind(owner, handler.name, _Binding("other", handler.lineno))
                    self._read_body(handler.body, owner, type_checking)
            else:
                for name in _assigned_names(statement):
                    self._bind(owner, name, _Binding("other", statement.lineno))
                if isinstance(statement, (ast.Assign, ast.AnnAssign)) and "pytestmark" in set(
                    _assigned_names(statement)
                ):
                    marks = self.marks.setdefault(owner, Parametrized())
                    value = statement.value
                    for mark in value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]:
                        if mark is not None:
                            read_parametrize(mark, marks)
                for block in inner_blocks(statement):
                    self._read_body(block, owner, type_checking)

    def _bind(self, owner: Optional[str], name: str, binding: _Binding) -> None:
        if owner is None:
            self.bindings.setdefault(name, []).append(binding)
        else:
            self.class_bindings.setdefault(owner, set()).add(name)

    def _read_function(self, node: FunctionNode, owner: Optional[str]) -> None:
        self.functions.append((owner, node))
        fixture_name = fixture_name_of(node)
        if node.name == "pytest_generate_tests":
            _read_generate_tests(node, self.generate_tests.setdefault(owner, Parametrized()))
        if fixture_name is not None:
            by_name = self.fixtures.setdefault(owner, {})
            by_name.setdefault(fixture_name, []).append(FixtureDef(fixture_name, node, owner))
            self._bind(owner, node.name, _Binding("fixture", node.lineno))
        else:
            self._bind(owner, node.name, _Binding("other", node.lineno))

    def source_of(self, node: ast.expr) -> str:
        """The expression as written when that is one clean line, else as `ast` renders it
        (a multi-line one, one with comments, one parsed out of a string annotation)."""
        if self._text is None or node.lineno != node.end_lineno or node.end_col_offset is None:
            return ast.unparse(node)
        if self._lines is None:  # Not `ast.get_source_segment`: it splits the file each time.
            self._lines = LINE_BREAK_RE.split(self._text)
        line = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        # `ast` columns count UTF-8 bytes.
        segment = line.encode()[node.col_offset : node.end_col_offset].decode(errors="replace")
        if "#" in segment:
            return ast.unparse(node)
        try:
            same = ast.dump(ast.parse(segment, mode="eval").body) == ast.dump(node)
        except SyntaxError:
            same = False
        return segment if same else ast.unparse(node)


def _assigned_names(statement: ast.stmt) -> Iterator[str]:
    """Names a simple statement (or a compound one's header) binds in its scope."""
    targets: List[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    elif isinstance(statement, (ast.For, ast.AsyncFor)):
        targets = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in statement.items if item.optional_vars]
    elif isinstance(statement, (ast.Global, ast.Nonlocal)):
        yield from statement.names
    for target in targets:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                yield node.id
    # Walrus targets anywhere in the statement's own expressions bind in this scope too.
    if not isinstance(statement, (ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
        for node in ast.walk(statement):
            if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                yield node.target.id


def _is_type_checking(test: ast.expr) -> bool:
    return dotted_name(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _import_need(
    statement: Union[ast.Import, ast.ImportFrom], alias: ast.alias
) -> Optional[ImportNeed]:
    if isinstance(statement, ast.Import):
        return ImportNeed(alias.name, None, alias.asname)
    if alias.name == "*":
        return None
    return ImportNeed(statement.module or "", alias.name, alias.asname, statement.level)


def fixture_name_of(node: FunctionNode) -> Optional[str]:
    """The fixture's name if `node` is a fixture (`@pytest.fixture`, `@pytest.fixture(...)`,
    `name=` honoured); None if it isn't one or its `name=` can't be read."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        if dotted_name(call.func if call else decorator) not in _FIXTURE_DECORATORS:
            continue
        for keyword in call.keywords if call else ():
            if keyword.arg == "name":
                value = keyword.value
                is_text = isinstance(value, ast.Constant) and isinstance(value.value, str)
                return value.value if is_text else None  # type: ignore[union-attr]
        return node.name
    return None


def _literal_names(expression: ast.expr) -> Optional[List[str]]:
    """`"a, b"`, `("a", "b")`, `["a", "b"]` as argument names; None for anything else."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [name.strip() for name in expression.value.split(",") if name.strip()]
    if isinstance(expression, (ast.List, ast.Tuple)):
        names = []
        for element in expression.elts:
            if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                return None
            names.append(element.value.strip())
        return names
    return None


def read_parametrize(decorator: ast.expr, into: Parametrized) -> None:
    """Record the direct (not `indirect`) argument names of a `@pytest.mark.parametrize`."""
    if not isinstance(decorator, ast.Call) or dotted_name(decorator.func) not in _PARAMETRIZE:
        return
    argnames = decorator.args[0] if decorator.args else None
    for keyword in decorator.keywords:
        if keyword.arg == "argnames":
            argnames = keyword.value
    names = _literal_names(argnames) if argnames is not None else None
    if names is None:
        into.any_name = True
        return
    indirect: Optional[ast.expr] = None
    for keyword in decorator.keywords:
        if keyword.arg == "indirect":
            indirect = keyword.value
    if isinstance(indirect, ast.Constant) and indirect.value is True:
        return  # Every value goes through its fixture: the fixture's type stands.
    if indirect is None or (isinstance(indirect, ast.Constant) and indirect.value is False):
        into.names.update(names)
        return
    through_fixtures = _literal_names(indirect)
    if through_fixtures is None:
        into.any_name = True
        return
    into.names.update(set(names) - set(through_fixtures))


def _read_generate_tests(node: FunctionNode, into: Parametrized) -> None:
    """`metafunc.parametrize(...)` calls in a `pytest_generate_tests` hook."""
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr == "parametrize"
        ):
            read_parametrize(
                ast.Call(func=ast.Name("parametrize"), args=child.args, keywords=child.keywords),
                into,
            )
