"""pytest fixtures as a test file sees them (HA103).

pytest's scoping, read statically: a test (or fixture) parameter names the nearest fixture of
that name, looking in its class, its module, each `conftest.py` from its directory up to the
root of the tree, then pytest's built-ins. The type injected is the fixture's return annotation
(`fixture_types`). Where that can't be known (no annotation, two definitions that disagree, a
parametrization or a `pytest_generate_tests` that may replace the value, a name the test file
binds otherwise), the parameter is still reported but gets no fix: the reason says why. Only
stdlib `ast`: files of newer syntax than the checker's interpreter are not checked for HA103.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from .ast_functions import dotted_name
from .fixture_types import FixtureType, Resolution, TypeReader
from .fixtures import (
    CONFTEST,
    FixtureDef,
    FixtureModule,
    FunctionNode,
    ImportNeed,
    Parametrized,
    fixture_name_of,
    is_test_module,
    read_parametrize,
)

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
            fixture_name = fixture_name_of(node)
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
        self, name: str, owner: Optional[str], node: FunctionNode, fixture_name: Optional[str]
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
        self, level_module: FixtureModule, definitions: List[FixtureDef]
    ) -> Resolution:
        key = (id(level_module), id(definitions))
        if key not in self._definitions:
            self._definitions[key] = self._read_uncached(level_module, definitions)
        return self._definitions[key]

    def _read_uncached(
        self, level_module: FixtureModule, definitions: List[FixtureDef]
    ) -> Resolution:
        reader = TypeReader(level_module, self._module)
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

    def _parametrized_directly(self, name: str, owner: Optional[str], node: FunctionNode) -> bool:
        """`@pytest.mark.parametrize` on the function or its class, or in a `pytestmark`."""
        module = self._module
        marks = Parametrized()
        for decorator in node.decorator_list:
            read_parametrize(decorator, marks)
        scopes = [marks, module.marks.get(None, Parametrized())]
        if owner is not None:
            scopes.append(module.marks.get(owner, Parametrized()))
        return any(name in scope.names or scope.any_name for scope in scopes)

    def _parametrized(
        self, name: str, owner: Optional[str], node: FunctionNode, fixture_name: Optional[str]
    ) -> Optional[str]:
        """Why a parametrization may replace the fixture's value, if it may."""
        module = self._module
        if fixture_name is not None:
            # A fixture's parameter takes any requesting test's parametrized value of that
            # name: the tests of its own module are in sight (tests elsewhere aren't).
            tests = [(o, f) for o, f in module.functions if fixture_name_of(f) is None]
            if any(self._parametrized_directly(name, o, f) for o, f in tests):
                return f"a test parametrizes `{name}`"
        hooks = [module.generate_tests.get(None), module.generate_tests.get(owner)]
        hooks.extend(
            conftest.generate_tests.get(None) for _, conftest in self._conftests if conftest
        )
        if any(hook is not None and (name in hook.names or hook.any_name) for hook in hooks):
            return f"a `pytest_generate_tests` hook may parametrize `{name}`"
        return None


def _requested_arguments(node: FunctionNode, is_method: bool) -> List[str]:
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
