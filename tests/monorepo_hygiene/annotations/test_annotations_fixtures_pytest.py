"""pytest itself as the oracle for HA103's fix: on generated test trees (fixtures at several
conftest levels, overrides, generator fixtures, unannotated ones, parametrized names), the
annotation the fix writes is the type of the value pytest injects, and mypy finds no new error.

The fixed tree runs under real pytest with a plugin asserting `isinstance(value, annotation)`
for every annotated argument of every test and fixture (`typing.get_type_hints`), and reporting
how many it checked, so the oracle can't pass by checking nothing.

One limit is built into the trees: pytest resolves a conftest fixture's own parameters from
the requesting test, so an override further down (a fixture, or a test's direct
parametrization) with another type would hand that fixture another value; HA103 reads a
fixture's parameters from the fixture's directory (its documented limit). Names that fixtures
request (`SHARED`) therefore keep one type at every level and in parametrizations; the others
(`FREE`) change type from definition to definition, and only tests request them. (Without that
rule, this test fails: it found the limit.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mypy import api as mypy_api

from monorepo_hygiene.annotations import AnnotationOptions, check_files, fix_files
from monorepo_hygiene.files import write_atomically
from tests.monorepo_hygiene.python_subprocess import subprocess_env

HA103 = AnnotationOptions(select=frozenset({"HA103"}))
DIRECTORIES = ("", "a", "a/b", "c")
SHARED = ("alpha", "beta")  # One type each; a fixture may request those before its own name.
FREE = ("gamma", "delta", "epsilon")
BUILTINS = ("tmp_path", "monkeypatch", "capsys", "request", "caplog", "pytestconfig", "recwarn")
# (annotation, the imports it needs, a value of that type)
TYPES = (
    ("int", (), "1"),
    ("str", (), "'s'"),
    ("bytes", (), "b'b'"),
    ("Decimal", ("from decimal import Decimal",), "Decimal(1)"),
    ("Fraction", ("from fractions import Fraction",), "Fraction(1, 3)"),
    ("collections.OrderedDict", ("import collections",), "collections.OrderedDict()"),
    ("Path", ("from pathlib import Path",), "Path('p')"),
    ("Optional[Decimal]", ("from typing import Optional", "from decimal import Decimal"), "None"),
)
SHARED_TYPES = {"alpha": 3, "beta": 6}
KINDS = ("return", "string", "iterator", "generator", "untyped")

PLUGIN = """
import os
import typing

import pytest


def _isinstance(value, annotation):
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        return any(_isinstance(value, argument) for argument in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    if annotation is typing.Any:
        return True
    if getattr(annotation, "_is_protocol", False):
        # Structural: only a `@runtime_checkable` protocol supports isinstance().
        return not getattr(annotation, "_is_runtime_protocol", False) or isinstance(value, annotation)
    return isinstance(value, origin or annotation)


def _check(function, values):
    hints = typing.get_type_hints(function)
    with open(os.environ["FIXTURE_TYPES_LOG"], "a") as log:
        for name, value in values.items():
            if name in hints:
                assert _isinstance(value, hints[name]), (
                    f"{function.__module__}.{function.__qualname__}: `{name}` is {value!r}, "
                    f"annotated {hints[name]}"
                )
                path = os.path.relpath(function.__code__.co_filename)
                log.write(f"{path}:{function.__qualname__}:{name}\\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    _check(pyfuncitem.obj, dict(pyfuncitem.funcargs))
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    yield
    # Once the fixture is set up, its arguments' values are cached: asking for them again
    # sets nothing up (before, it would disturb pytest's own bookkeeping).
    _check(fixturedef.func, {name: request.getfixturevalue(name) for name in fixturedef.argnames})
"""


@dataclass(frozen=True)
class FixtureSpec:
    name: str
    type_index: int
    kind: str
    requests: Tuple[str, ...]


@dataclass(frozen=True)
class CaseSpec:
    requests: Tuple[str, ...]
    parametrized: Optional[str]  # One requested name given by `@pytest.mark.parametrize`.


@dataclass(frozen=True)
class Tree:
    conftests: Dict[str, Tuple[Tuple[FixtureSpec, ...], bool]]  # By directory; postponed?
    modules: Dict[str, Tuple[Tuple[FixtureSpec, ...], Tuple[CaseSpec, ...]]]


def _ancestors(directory: str) -> List[str]:
    """The directory and those above it, nearest first."""
    chain = [directory]
    while directory:
        directory = directory.rpartition("/")[0]
        chain.append(directory)
    return chain


@st.composite
def fixture_specs(draw: st.DrawFn, outer: Set[str]) -> Tuple[FixtureSpec, ...]:
    """Fixtures of one file, which may request what `outer` levels define."""
    specs = []
    for name in draw(st.lists(st.sampled_from(SHARED + FREE), unique=True, max_size=4)):
        if name in SHARED:
            type_index = SHARED_TYPES[name]
            before = SHARED[: SHARED.index(name) + 1]  # No cycle: earlier names, or itself.
            candidates = sorted({*before} & outer) + list(BUILTINS)
        else:
            type_index = draw(st.integers(0, len(TYPES) - 1))
            candidates = list(BUILTINS)
        requests = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=2))
        specs.append(FixtureSpec(name, type_index, draw(st.sampled_from(KINDS)), tuple(requests)))
    return tuple(specs)


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    conftests: Dict[str, Tuple[Tuple[FixtureSpec, ...], bool]] = {}
    defined: Dict[str, Set[str]] = {}  # The names each directory's conftest defines.
    for directory in DIRECTORIES:  # Parents come before children.
        outer = set().union(*(defined.get(d, set()) for d in _ancestors(directory)[1:]))
        if draw(st.booleans()):
            specs = draw(fixture_specs(outer))
            conftests[directory] = (specs, draw(st.booleans()))
            defined[directory] = {spec.name for spec in specs}
    modules = {}
    for directory in DIRECTORIES:
        seen = set().union(*(defined.get(d, set()) for d in _ancestors(directory)))
        local = draw(fixture_specs(seen))
        visible = sorted(seen | {spec.name for spec in local}) + list(BUILTINS)
        tests = []
        for _ in range(draw(st.integers(1, 3))):
            requests = tuple(draw(st.lists(st.sampled_from(visible), unique=True, max_size=4)))
            # pytest's "override a fixture with direct test parametrization", keeping the type
            # of the names fixtures request (a conftest fixture would receive the value).
            names = [name for name in requests if name not in BUILTINS]
            parametrized = draw(st.none() | st.sampled_from(names)) if names else None
            tests.append(CaseSpec(requests, parametrized))
        modules[directory] = (local, tuple(tests))
    return Tree(conftests, modules)


def _fixture_source(spec: FixtureSpec) -> Tuple[str, Set[str]]:
    annotation, imports, value = TYPES[spec.type_index]
    needed = set(imports)
    returns = {
        "return": f" -> {annotation}",
        "string": f' -> "{annotation}"',
        "iterator": f" -> Iterator[{annotation}]",
        "generator": f" -> Generator[{annotation}, None, None]",
        "untyped": "",
    }[spec.kind]
    if spec.kind in ("iterator", "generator"):
        needed.add(f"from typing import {spec.kind.capitalize()}")
    statement = "yield" if spec.kind in ("iterator", "generator") else "return"
    source = (
        f"@pytest.fixture\ndef {spec.name}({', '.join(spec.requests)}){returns}:\n"
        f"    print({', '.join(spec.requests)})\n    {statement} {value}\n"
    )
    return source, needed


def _file_source(
    fixtures: Tuple[FixtureSpec, ...], tests: Tuple[CaseSpec, ...], postponed: bool
) -> str:
    imports = {"import pytest"}
    parts = []
    for spec in fixtures:
        source, needed = _fixture_source(spec)
        imports |= needed
        parts.append(source)
    for index, test in enumerate(tests):
        mark = ""
        if test.parametrized:
            type_index = SHARED_TYPES.get(test.parametrized, 0)
            imports.update(TYPES[type_index][1])
            value = TYPES[type_index][2]
            mark = f"@pytest.mark.parametrize({test.parametrized!r}, [{value}])\n"
        parts.append(
            f"{mark}def test_{index}({', '.join(test.requests)}) -> None:\n"
            f"    print({', '.join(test.requests)})\n"
        )
    header = "from __future__ import annotations\n\n" if postponed else ""
    return header + "\n".join(sorted(imports)) + "\n\n\n" + "\n\n".join(parts)


def write_tree(root: Path, tree: Tree) -> List[str]:
    files = {"pytest.ini": "[pytest]\n"}
    for directory in DIRECTORIES:
        prefix = f"{directory}/" if directory else ""
        if directory:
            files[f"{prefix}__init__.py"] = ""
        if directory in tree.conftests:
            specs, postponed = tree.conftests[directory]
            files[f"{prefix}conftest.py"] = _file_source(specs, (), postponed)
        local, tests = tree.modules[directory]
        module = f"test_{directory.replace('/', '_') or 'root'}.py"
        files[f"{prefix}{module}"] = _file_source(local, tests, False)
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)
    return sorted(name for name in files if name.endswith(".py"))


_FINDING = re.compile(r"fixture `(?P<parameter>\w+)` in function `(?P<function>\w+)`")
_MYPY_LINE = re.compile(r"^(?P<file>[^:]+):\d+: error: (?P<message>.*)$")
MYPY_CACHE = Path(tempfile.mkdtemp(prefix="fixture-types-mypy-"))


def mypy_errors(root: Path, files: List[str]) -> Set[Tuple[str, str]]:
    """(file, message) of each error: the fix adds import lines, so lines move."""
    stdout, stderr, status = mypy_api.run(
        [
            "--check-untyped-defs", "--show-error-codes", "--no-error-summary",
            "--hide-error-context", "--no-pretty", "--no-color-output",
            "--cache-dir", str(MYPY_CACHE), *(str(root / name) for name in files),
        ]
    )  # fmt: skip
    assert status in (0, 1), stderr + stdout
    prefix = f"{root}{os.sep}"
    found = set()
    for line in stdout.splitlines():
        match = _MYPY_LINE.match(line[len(prefix) :] if line.startswith(prefix) else line)
        if match:
            found.add((match["file"], match["message"]))
    return found


def run_pytest(root: Path, plugin_dir: Path) -> Tuple[int, str, List[str]]:
    log = root / "checked.log"
    env = subprocess_env()
    env["PYTHONPATH"] = os.pathsep.join([str(plugin_dir), env["PYTHONPATH"]])
    env["FIXTURE_TYPES_LOG"] = str(log)
    process = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "fixture_types_plugin", "-p", "no:cacheprovider",
         "--import-mode=importlib", str(root)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    checked = log.read_text().splitlines() if log.exists() else []
    return process.returncode, process.stdout + process.stderr, checked


@settings(
    max_examples=8,
    deadline=None,
    # A pytest and two mypy runs per example: shrinking would take minutes; a failure prints
    # the tree.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(tree=trees())
def test_the_fix_writes_the_type_pytest_injects(tmp_path: Path, tree: Tree) -> None:
    plugin_dir = tmp_path / "plugin"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "fixture_types_plugin.py").write_text(PLUGIN)
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    files = write_tree(root, tree)

    def read(path: str) -> bytes:
        return (root / path).read_bytes()

    def write(path: str, content: bytes) -> None:
        write_atomically(str(root / path), content)

    before = check_files(files, read, HA103)
    assert not [finding for finding in before.findings if finding.code in ("HA100", "HA105")]
    mypy_before = mypy_errors(root, files)
    returncode, output, _ = run_pytest(root, plugin_dir)
    assert returncode == 0, output  # The generated tree is a valid test suite to begin with.

    fixed = fix_files(files, read, write, HA103)
    assert not [finding for finding in fixed.findings if finding.code in ("HA100", "HA105")]
    assert not any(finding.fixable for finding in fixed.findings)
    fixable = [finding for finding in before.findings if finding.fixable]
    assert len(fixed.findings) == len(before.findings) - len(fixable)

    returncode, output, checked = run_pytest(root, plugin_dir)
    assert returncode == 0, output
    # Every test runs, so every parameter the fix annotated in a test was checked (fixtures no
    # test requests never run).
    for finding in fixable:
        match = _FINDING.search(finding.message)
        assert match is not None
        function, parameter = match.group("function", "parameter")
        if function.startswith("test_"):
            assert f"{finding.path}:{function}:{parameter}" in checked
    assert mypy_errors(root, files) - mypy_before == set()


def test_the_oracle_catches_a_wrong_annotation(tmp_path: Path) -> None:
    plugin_dir = tmp_path / "plugin"
    plugin_dir.mkdir()
    (plugin_dir / "fixture_types_plugin.py").write_text(PLUGIN)
    root = tmp_path / "tree"
    root.mkdir()
    (root / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture\ndef alpha() -> int:\n    return 1\n"
    )
    (root / "test_it.py").write_text("def test_it(alpha: str) -> None:\n    pass\n")
    returncode, output, _ = run_pytest(root, plugin_dir)
    assert returncode == 1
    assert "`alpha` is 1, annotated <class 'str'>" in textwrap.dedent(output)
