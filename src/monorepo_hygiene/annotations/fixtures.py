"""pytest fixtures as a test file sees them, and the type each one injects (HA103).

pytest's scoping, read statically: a test (or fixture) parameter names the nearest fixture of
that name, looking in its class, its module, each `conftest.py` from its directory up to the
root of the tree, then pytest's built-ins. The type injected is the fixture's return annotation,
with a generator fixture's `Iterator[T]`/`Generator[T, ...]`/`AsyncIterator[T]` unwrapped to `T`.
Where that can't be known (no annotation, two definitions that disagree, a parametrization or a
`pytest_generate_tests` that may replace the value, a name the test file binds otherwise), the
parameter is still reported but gets no fix: the reason says why. Only stdlib `ast`: files of
newer syntax than the checker's interpreter are not checked for HA103.
"""

from __future__ import annotations

import ast
import builtins
import posixpath
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple, Union

from ..ast_blocks import TRY_TYPES, inner_blocks
from ..source import LINE_BREAK_RE
from .ast_functions import dotted_name

_FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)

CONFTEST = "conftest.py"
_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "fixture", "pytest_asyncio.fixture"})
_PARAMETRIZE = frozenset({"pytest.mark.parametrize", "mark.parametrize", "parametrize"})
# What a generator fixture is annotated with; the first argument is what the test receives.
_GENERATOR_TYPES = frozenset(
    {"Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator", "AsyncIterable"}
)
_GENERATOR_MODULES = frozenset({"typing", "typing_extensions", "collections.abc"})
# Decorators that pass positional arguments to the test (pytest skips as many parameters), and
# how many positional arguments they take before `new`.
_MOCK_PATCHES = {
    "patch": 1,
    "mock.patch": 1,
    "unittest.mock.patch": 1,
    "patch.object": 2,
    "mock.patch.object": 2,
    "unittest.mock.patch.object": 2,
}
_BUILTIN_NAMES = frozenset(dir(builtins))
# Builtins whose subscript needs Python 3.9 (PEP 585) at runtime.
_PEP585_BUILTINS = frozenset({"list", "dict", "set", "frozenset", "tuple", "type"})


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


@dataclass(frozen=True)
class FixtureType:
    """An annotation to write for a fixture parameter, and what it needs in the file."""

    text: str
    imports: Tuple[ImportNeed, ...] = ()
    # Names the annotation takes from the test file's own module (a fixture defined there).
    local_names: FrozenSet[str] = frozenset()
    # Written as a string: it can't be evaluated where the fixture module never evaluated it.
    quoted: bool = False
    # The same type spelled otherwise, for a file where this spelling's names mean something
    # else (`pathlib.Path` where `Path` is `anyio.Path`).
    fallback: Optional[FixtureType] = None


@dataclass(frozen=True)
class Resolution:
    """What a parameter names: a fixture whose type is known (`fixture_type`), or why not."""

    fixture_type: Optional[FixtureType]
    reason: Optional[str] = None


# pytest's built-in fixtures and their public types (pytest >= 7). None: no public type.
_PYTEST = ImportNeed("pytest", None, None)
_CALLABLE = ImportNeed("typing", "Callable", None)
_BUILTIN_FIXTURES: Dict[str, Optional[FixtureType]] = {
    "tmp_path": FixtureType(
        "Path",
        (ImportNeed("pathlib", "Path", None),),
        fallback=FixtureType("pathlib.Path", (ImportNeed("pathlib", None, None),)),
    ),
    "tmp_path_factory": FixtureType("pytest.TempPathFactory", (_PYTEST,)),
    "tmpdir_factory": FixtureType("pytest.TempdirFactory", (_PYTEST,)),
    "tmpdir": None,  # A `py.path.local`: no public pytest type.
    "monkeypatch": FixtureType("pytest.MonkeyPatch", (_PYTEST,)),
    "capsys": FixtureType("pytest.CaptureFixture[str]", (_PYTEST,)),
    "capfd": FixtureType("pytest.CaptureFixture[str]", (_PYTEST,)),
    "capteesys": FixtureType("pytest.CaptureFixture[str]", (_PYTEST,)),
    "capsysbinary": FixtureType("pytest.CaptureFixture[bytes]", (_PYTEST,)),
    "capfdbinary": FixtureType("pytest.CaptureFixture[bytes]", (_PYTEST,)),
    "caplog": FixtureType("pytest.LogCaptureFixture", (_PYTEST,)),
    "request": FixtureType("pytest.FixtureRequest", (_PYTEST,)),
    "recwarn": FixtureType("pytest.WarningsRecorder", (_PYTEST,)),
    "pytestconfig": FixtureType("pytest.Config", (_PYTEST,)),
    "cache": FixtureType("pytest.Cache", (_PYTEST,)),
    "pytester": FixtureType("pytest.Pytester", (_PYTEST,)),
    "testdir": FixtureType("pytest.Testdir", (_PYTEST,)),
    "doctest_namespace": FixtureType(
        "Dict[str, Any]", (ImportNeed("typing", "Any", None), ImportNeed("typing", "Dict", None))
    ),
    "record_property": FixtureType("Callable[[str, object], None]", (_CALLABLE,)),
    "record_testsuite_property": FixtureType("Callable[[str, object], None]", (_CALLABLE,)),
    "record_xml_attribute": FixtureType("Callable[[str, object], None]", (_CALLABLE,)),
}


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
class _FixtureDef:
    name: str
    node: _FunctionNode
    owner: Optional[str]  # The class whose body defines it.


@dataclass
class _Parametrized:
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
        self.fixtures: Dict[Optional[str], Dict[str, List[_FixtureDef]]] = {}
        self.class_bindings: Dict[str, Set[str]] = {}
        self.generate_tests: Dict[Optional[str], _Parametrized] = {}
        self.marks: Dict[Optional[str], _Parametrized] = {}
        self.functions: List[Tuple[Optional[str], _FunctionNode]] = []
        self._read_body(tree.body, owner=None, type_checking=False)

    def _read_body(
        self, statements: Sequence[ast.stmt], owner: Optional[str], type_checking: bool
    ) -> None:
        for statement in statements:
            if isinstance(statement, _FUNCTION_TYPES):
                self._read_function(statement, owner)
            elif isinstance(statement, ast.ClassDef):
                self._bind(owner, statement.name, _Binding("other", statement.lineno))
                if owner is None:
                    self.class_bindings[statement.name] = set()
                    marks = self.marks.setdefault(statement.name, _Parametrized())
                    for decorator in statement.decorator_list:
                        _read_parametrize(decorator, marks)
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
                    marks = self.marks.setdefault(owner, _Parametrized())
                    value = statement.value
                    for mark in value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]:
                        if mark is not None:
                            _read_parametrize(mark, marks)
                for block in inner_blocks(statement):
                    self._read_body(block, owner, type_checking)

    def _bind(self, owner: Optional[str], name: str, binding: _Binding) -> None:
        if owner is None:
            self.bindings.setdefault(name, []).append(binding)
        else:
            self.class_bindings.setdefault(owner, set()).add(name)

    def _read_function(self, node: _FunctionNode, owner: Optional[str]) -> None:
        self.functions.append((owner, node))
        fixture_name = _fixture_name(node)
        if node.name == "pytest_generate_tests":
            _read_generate_tests(node, self.generate_tests.setdefault(owner, _Parametrized()))
        if fixture_name is not None:
            by_name = self.fixtures.setdefault(owner, {})
            by_name.setdefault(fixture_name, []).append(_FixtureDef(fixture_name, node, owner))
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


def _fixture_name(node: _FunctionNode) -> Optional[str]:
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


def _read_parametrize(decorator: ast.expr, into: _Parametrized) -> None:
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


def _read_generate_tests(node: _FunctionNode, into: _Parametrized) -> None:
    """`metafunc.parametrize(...)` calls in a `pytest_generate_tests` hook."""
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr == "parametrize"
        ):
            _read_parametrize(
                ast.Call(func=ast.Name("parametrize"), args=child.args, keywords=child.keywords),
                into,
            )


def _is_generator(node: _FunctionNode) -> bool:
    pending: List[ast.AST] = list(node.body)
    while pending:
        child = pending.pop()
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(child, (*_FUNCTION_TYPES, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(child))
    return False


def _parse_string(expression: ast.expr) -> Optional[ast.expr]:
    """A string annotation's expression; the expression itself otherwise; None if unparsable."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        try:
            parsed = ast.parse(expression.value.strip(), mode="eval").body
        except SyntaxError:
            return None
        return parsed
    return expression


class _TypeReader:
    """Turns a fixture's return annotation into the annotation of a parameter naming it."""

    def __init__(self, module: FixtureModule, target: FixtureModule) -> None:
        self._module = module
        self._target = target

    def read(self, fixture: _FixtureDef) -> Resolution:
        node = fixture.node
        where = f"fixture `{fixture.name}` ({self._module.path}:{node.lineno})"
        if node.returns is None:
            return Resolution(None, f"{where} has no return annotation")
        expression = _parse_string(node.returns)
        if expression is None:
            return Resolution(None, f"{where} has a string annotation that isn't an expression")
        if _is_generator(node):
            expression = self._yielded(expression)
            if expression is None:
                return Resolution(None, f"{where} is a generator not annotated `Iterator[...]`")
            expression = _parse_string(expression)
            if expression is None:
                return Resolution(None, f"{where} yields a string annotation that isn't one")
        return self._resolve(expression, where)

    def _yielded(self, expression: ast.expr) -> Optional[ast.expr]:
        if not isinstance(expression, ast.Subscript):
            return None
        head = dotted_name(expression.value)
        if head is None:
            return None
        root, _, rest = head.rpartition(".")
        if rest not in _GENERATOR_TYPES:
            return None
        if root:
            if self._module_named(root) not in _GENERATOR_MODULES:
                return None
        else:
            need = self._single_import(rest)
            if need is None or need.module not in _GENERATOR_MODULES or need.name != rest:
                return None
        arguments = expression.slice
        if isinstance(arguments, ast.Tuple):
            return arguments.elts[0] if arguments.elts else None
        return arguments

    def _module_named(self, dotted: str) -> Optional[str]:
        """The module a dotted name means where it is imported (`abc` after `from collections
        import abc` is `collections.abc`), if imports alone say so."""
        first, _, rest = dotted.partition(".")
        need = self._single_import(first)
        if need is None:
            plain = [b.need for b in self._module.bindings.get(first, []) if b.kind == "import"]
            if not plain or any(n is None or n.name or n.asname for n in plain):
                return None
            base = first  # `import a.b` and `import a.c`: `a` is the package.
        elif need.name is not None:
            base = f"{need.module}.{need.name}" if not need.level else ""
        else:
            base = need.module if need.asname else first
        return f"{base}.{rest}" if base and rest else base or None

    def _single_import(self, name: str) -> Optional[ImportNeed]:
        bindings = self._module.bindings.get(name, [])
        if (
            len(bindings) == 1
            and bindings[0].kind == "import"
            and not bindings[0].type_checking_only
        ):
            return bindings[0].need
        return None

    def _resolve(self, expression: ast.expr, where: str) -> Resolution:
        names: Set[str] = set()
        if not _collect_names(expression, names):
            return Resolution(None, f"{where}: its annotation holds a string nobody can read")
        needs: Set[ImportNeed] = set()
        local: Set[str] = set()
        same_module = self._module is self._target
        for name in sorted(names):
            bindings = self._module.bindings.get(name, [])
            if not bindings:
                if "*" in self._module.bindings:
                    return Resolution(None, f"{where}: `{name}` may come from a star import")
                if name in _BUILTIN_NAMES:
                    continue
                return Resolution(None, f"{where}: `{name}` is not defined in its module")
            if same_module:
                local.add(name)
                continue
            if any(binding.type_checking_only for binding in bindings):
                return Resolution(None, f"{where}: `{name}` is imported only when `TYPE_CHECKING`")
            if any(binding.kind != "import" for binding in bindings):
                return Resolution(
                    None, f"{where}: `{name}` is defined in `{self._module.path}`, not imported"
                )
            binding_needs = {binding.need for binding in bindings if binding.need}
            plain_imports = all(need.name is None and not need.asname for need in binding_needs)
            if len(binding_needs) > 1 and not plain_imports:
                return Resolution(None, f"{where}: `{name}` is imported more than once")
            for need in binding_needs:
                if need.level:
                    if self._module.directory != self._target.directory:
                        return Resolution(
                            None, f"{where}: `{name}` is imported relatively, from another package"
                        )
                needs.add(need)
        text = self._module.source_of(expression)
        quoted = (
            self._module.postponed and not self._target.postponed and _needs_postponing(expression)
        )
        if quoted and ('"' in text or "'" in text):
            return Resolution(None, f"{where}: its annotation can't be evaluated at runtime here")
        return Resolution(
            FixtureType(
                f'"{text}"' if quoted else text, tuple(sorted(needs)), frozenset(local), quoted
            )
        )


def _collect_names(expression: ast.expr, into: Set[str]) -> bool:
    """The root names an annotation uses (inside its string parts too, not inside `Literal`).
    False when a string part isn't an expression."""
    pending: List[ast.AST] = [expression]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            into.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parse_string(node)
            if parsed is None:
                return False
            pending.append(parsed)
        elif isinstance(node, ast.Subscript) and (dotted_name(node.value) or "").endswith(
            "Literal"
        ):
            pending.append(node.value)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return True


def _needs_postponing(expression: ast.expr) -> bool:
    """`X | Y` or `list[int]`: fine where annotations are never evaluated, not on older
    interpreters where they are."""
    for node in ast.walk(expression):
        if isinstance(node, ast.BinOp):
            return True
        if isinstance(node, ast.Subscript) and dotted_name(node.value) in _PEP585_BUILTINS:
            return True
    return False


@dataclass(frozen=True)
class FixtureParameter:
    """A parameter of a test or fixture that names a fixture."""

    name: str
    line: int  # Of the function's `def`: with the name, it identifies the parameter.
    resolution: Resolution


class FixtureScope:
    """The fixtures a test file sees: its own, its conftest chain's (nearest first), pytest's.

    `conftests` holds one entry per directory of `conftest_directories(path)` that has a
    conftest: a FixtureModule, or None for one that could not be read (it may define anything).
    """

    def __init__(
        self, module: FixtureModule, conftests: Sequence[Tuple[str, Optional[FixtureModule]]]
    ) -> None:
        self._module = module
        self._conftests = conftests
        # By (module, definitions list): read once per file, however many parameters name it.
        self._definitions: Dict[Tuple[int, int], Resolution] = {}

    def parameters(self) -> List[FixtureParameter]:
        module = self._module
        is_test_file = is_test_module(module.path)
        if not is_test_file and posixpath.basename(module.path) != CONFTEST:
            return []  # Elsewhere nobody knows which tests will request these fixtures.
        found = []
        for owner, node in module.functions:
            fixture_name = _fixture_name(node)
            is_test = (
                is_test_file
                and fixture_name is None
                and node.name.startswith("test")
                and (owner is None or owner.startswith("Test"))
            )
            if fixture_name is None and not is_test:
                continue
            for argument in _requested_arguments(node, owner is not None):
                resolution = self._resolve(argument, owner, node, fixture_name)
                if resolution is not None:
                    found.append(FixtureParameter(argument, node.lineno, resolution))
        return found

    def _resolve(
        self, name: str, owner: Optional[str], node: _FunctionNode, fixture_name: Optional[str]
    ) -> Optional[Resolution]:
        """None when `name` names no fixture we know of, or a test parametrizes it directly."""
        module = self._module
        if fixture_name is None and self._parametrized_directly(name, owner, node):
            return None  # The parametrization's value, not a fixture's: HA102's business.
        levels: List[Tuple[str, Optional[FixtureModule], Optional[str]]] = []
        if owner is not None:
            levels.append((f"class `{owner}`", module, owner))
        levels.append(("its module", module, None))
        levels.extend((path, conftest, None) for path, conftest in self._conftests)
        # A fixture requesting its own name gets the definition further out (an override).
        if fixture_name == name:
            own = next(
                i for i, level in enumerate(levels) if level[1] is module and level[2] == owner
            )
            levels = levels[own + 1 :]
        blocked: Optional[str] = None
        resolution: Optional[Resolution] = None
        for where, level_module, level_owner in levels:
            if level_module is None:
                blocked = blocked or f"`{where}` can't be read"
                continue
            definitions = level_module.fixtures.get(level_owner, {}).get(name)
            if definitions:
                resolution = self._read_definitions(level_module, definitions)
                break
            if level_owner is None and name in level_module.bindings:
                # An import (or assignment) may bring in a fixture of that name.
                blocked = blocked or f"`{name}` is also bound in `{level_module.path}`"
        else:
            if name not in _BUILTIN_FIXTURES:
                return None
            builtin = _BUILTIN_FIXTURES[name]
            reason = None if builtin else f"pytest's `{name}` has no public type"
            resolution = Resolution(builtin, reason)
        if blocked:
            return Resolution(None, blocked)
        if fixture_name is not None and posixpath.basename(module.path) == CONFTEST:
            # pytest resolves this fixture's own arguments from each requesting test, and a
            # conftest or module further down (out of this file's sight) may override `name`
            # with another type: any annotation here could be a guess.
            return Resolution(
                None, f"a conftest or test module below may override `{name}` with another type"
            )
        if fixture_name is not None and owner is None and resolution.fixture_type is not None:
            # A class of the module overriding the name hands its own value to this fixture
            # when one of the class's tests requests it.
            for cls, by_name in module.fixtures.items():
                overrides = by_name.get(name) if cls is not None else None
                if overrides and self._read_definitions(module, overrides) != resolution:
                    return Resolution(None, f"class `{cls}` overrides `{name}` with another type")
        parametrized = self._parametrized(name, owner, node, fixture_name)
        if parametrized:
            return Resolution(None, parametrized)
        return resolution

    def _read_definitions(
        self, level_module: FixtureModule, definitions: List[_FixtureDef]
    ) -> Resolution:
        key = (id(level_module), id(definitions))
        if key not in self._definitions:
            self._definitions[key] = self._read_uncached(level_module, definitions)
        return self._definitions[key]

    def _read_uncached(
        self, level_module: FixtureModule, definitions: List[_FixtureDef]
    ) -> Resolution:
        reader = _TypeReader(level_module, self._module)
        resolutions = [reader.read(definition) for definition in definitions]
        for resolution in resolutions:
            if resolution.fixture_type is None:
                return resolution
        if len(set(resolution.fixture_type for resolution in resolutions)) > 1:
            lines = ", ".join(str(definition.node.lineno) for definition in definitions)
            reason = (
                f"fixtures `{definitions[0].name}` of different types ({level_module.path}:{lines})"
            )
            return Resolution(None, reason)
        return resolutions[0]

    def _parametrized_directly(self, name: str, owner: Optional[str], node: _FunctionNode) -> bool:
        """`@pytest.mark.parametrize` on the function or its class, or in a `pytestmark`."""
        module = self._module
        marks = _Parametrized()
        for decorator in node.decorator_list:
            _read_parametrize(decorator, marks)
        scopes = [marks, module.marks.get(None, _Parametrized())]
        if owner is not None:
            scopes.append(module.marks.get(owner, _Parametrized()))
        return any(name in scope.names or scope.any_name for scope in scopes)

    def _parametrized(
        self, name: str, owner: Optional[str], node: _FunctionNode, fixture_name: Optional[str]
    ) -> Optional[str]:
        """Why a parametrization may replace the fixture's value, if it may."""
        module = self._module
        if fixture_name is not None:
            # A fixture's parameter takes any requesting test's parametrized value of that
            # name: the tests of its own module are in sight (tests elsewhere aren't).
            tests = [(o, f) for o, f in module.functions if _fixture_name(f) is None]
            if any(self._parametrized_directly(name, o, f) for o, f in tests):
                return f"a test parametrizes `{name}`"
        hooks = [module.generate_tests.get(None), module.generate_tests.get(owner)]
        hooks.extend(
            conftest.generate_tests.get(None) for _, conftest in self._conftests if conftest
        )
        if any(hook is not None and (name in hook.names or hook.any_name) for hook in hooks):
            return f"a `pytest_generate_tests` hook may parametrize `{name}`"
        return None


def _requested_arguments(node: _FunctionNode, is_method: bool) -> List[str]:
    """The parameters pytest fills with fixtures, as its `getfuncargnames` finds them:
    positional and keyword-only ones without a default, less `self`/`cls` and those
    `mock.patch` decorators fill."""
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = len(arguments.defaults)
    names = [argument.arg for argument in positional[: len(positional) - defaults]]
    is_static = any(dotted_name(decorator) == "staticmethod" for decorator in node.decorator_list)
    if is_method and not is_static and names:
        names = names[1:]
    names = names[sum(map(_injects_mock, node.decorator_list)) :]
    names.extend(
        argument.arg
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults)
        if default is None
    )
    return names


def _injects_mock(decorator: ast.expr) -> bool:
    """A `mock.patch(...)`/`mock.patch.object(...)` decorator without `new`: it passes the mock
    as a positional argument, which pytest leaves out of the fixtures it looks up."""
    if not isinstance(decorator, ast.Call):
        return False
    before_new = _MOCK_PATCHES.get(dotted_name(decorator.func) or "")
    if before_new is None:
        return False
    return len(decorator.args) <= before_new and all(
        keyword.arg != "new" for keyword in decorator.keywords
    )


@dataclass(frozen=True)
class FixtureAnnotation:
    """What HA103 says about one parameter: the annotation its fix writes, or why none."""

    text: Optional[str]
    imports: Tuple[ImportNeed, ...] = ()  # Those the file still lacks.
    reason: Optional[str] = None


def plan_fixture_annotations(
    module: FixtureModule, conftests: Sequence[Tuple[str, Optional[FixtureModule]]]
) -> Dict[Tuple[int, str], FixtureAnnotation]:
    """For each parameter naming a fixture, by (line of its `def`, name): its annotation.

    An annotation is only planned when every name it uses means, in this file, what it means
    where the fixture is defined: imported the same way, or not bound at all yet (the import is
    then added). Two parameters needing the same name imported differently both get none.
    """
    parameters = FixtureScope(module, conftests).parameters()
    owners = {node.lineno: owner for owner, node in module.functions}
    planned: Dict[Tuple[int, str], FixtureAnnotation] = {}
    additions: Dict[str, Set[ImportNeed]] = {}
    for parameter in parameters:
        key = (parameter.line, parameter.name)
        fixture_type = parameter.resolution.fixture_type
        if fixture_type is None:
            planned[key] = FixtureAnnotation(None, reason=parameter.resolution.reason)
            continue
        owner = owners.get(parameter.line)
        missing, conflict = _missing_imports(module, owner, parameter.line, fixture_type)
        if conflict and fixture_type.fallback is not None:
            fixture_type = fixture_type.fallback
            missing, conflict = _missing_imports(module, owner, parameter.line, fixture_type)
        if conflict:
            planned[key] = FixtureAnnotation(None, reason=conflict)
            continue
        planned[key] = FixtureAnnotation(fixture_type.text, missing)
        for need in missing:
            additions.setdefault(need.binds, set()).add(need)
    # A name two annotations would import differently: neither is written.
    clashing = {name for name, needs in additions.items() if len(needs) > 1}
    for key, annotation in planned.items():
        clash = sorted(need.binds for need in annotation.imports if need.binds in clashing)
        if clash:
            reason = f"`{clash[0]}` would be imported from two places"
            planned[key] = FixtureAnnotation(None, reason=reason)
    return planned


def _missing_imports(
    module: FixtureModule, owner: Optional[str], line: int, fixture_type: FixtureType
) -> Tuple[Tuple[ImportNeed, ...], Optional[str]]:
    """The imports the file lacks for the annotation, or why it can't be written there."""
    class_names = module.class_bindings.get(owner, set()) if owner else set()
    provided = {need.binds: need for need in fixture_type.imports}
    missing: List[ImportNeed] = []
    for name in sorted(_root_names(fixture_type)):
        if name in class_names:
            return (), f"`{name}` means something else in class `{owner}`"
        bindings = module.bindings.get(name, [])
        need = provided.get(name)
        if name in fixture_type.local_names:
            usable = module.postponed or fixture_type.quoted or all(b.line < line for b in bindings)
            if not usable:
                return (), f"`{name}` is defined after the function"
            continue
        if need is None:  # A builtin in the fixture's module.
            if bindings:
                return (), f"`{name}` means something else in this file"
            continue
        if "*" in module.bindings:
            return (), "the file has a star import"
        if not bindings:
            missing.extend(n for n in fixture_type.imports if n.binds == name)
            continue
        same = [b for b in bindings if b.kind == "import" and b.need in fixture_type.imports]
        plain = all(
            b.kind == "import" and b.need and b.need.name is None and not b.need.asname
            for b in bindings
        )
        if len(same) == len(bindings):
            if any(b.type_checking_only for b in same) and not module.postponed:
                return (), f"`{name}` is imported only when `TYPE_CHECKING`"
            missing.extend(
                n
                for n in fixture_type.imports
                if n.binds == name and n not in {b.need for b in same}
            )
        elif plain and need.name is None and not need.asname:
            # `import a.b` next to the file's `import a`: both bind `a`, to the same package.
            known = {b.need for b in bindings}
            missing.extend(n for n in fixture_type.imports if n.binds == name and n not in known)
        else:
            return (), f"`{name}` means something else in this file"
    return tuple(missing), None


def _root_names(fixture_type: FixtureType) -> Set[str]:
    text = fixture_type.text
    expression = ast.parse(text, mode="eval").body
    names: Set[str] = set()
    _collect_names(expression, names)
    return names
