"""Corpus tests: ruff as a differential oracle, both front ends against each other, and the
fixer's properties, on the repository's own sources and on generated modules.

The ruff tests (`test_ruff_*`) need the `ruff` binary (3.11 dev venv and `pants test`).
"""

from __future__ import annotations

import ast
import collections
import inspect
import json
import re
import subprocess
import tempfile
import textwrap
import types
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import monorepo_hygiene
from monorepo_hygiene.annotations.check import check_source, check_source_with_libcst
from monorepo_hygiene.annotations.options import AnnotationOptions
from monorepo_hygiene.annotations.fix import fix_source
from monorepo_hygiene.findings import Finding
from monorepo_hygiene.source import SourceError
from tests.monorepo_hygiene.annotations.annotations_fixtures import (
    FUNCTION_TYPES,
    FunctionNode,
    modules,
)

# Statement-holding parts of compound statements that are not statements themselves.
CLAUSE_TYPES = (ast.excepthandler, *([ast.match_case] if hasattr(ast, "match_case") else []))
# (path, line, name): the function's name for return findings, the parameter's for others.
Key = Tuple[str, int, str]

RUFF_RETURN_CODES = ("ANN201", "ANN202", "ANN204", "ANN205", "ANN206")
RUFF_PARAMETER_CODES = ("ANN001", "ANN002", "ANN003")
BOTH = frozenset({"HA101", "HA102"})


# --- ruff and what it is expected to report -------------------------------------------------


def ruff_keys(
    root: Path, paths: Sequence[str], mypy_init_return: bool = False
) -> Dict[str, Set[Key]]:
    """ruff's findings by family ("return", "parameter", "syntax"), as (path, line, name)."""
    from ruff.__main__ import find_ruff_bin

    config = (
        ["--config", "lint.flake8-annotations.mypy-init-return = true"] if mypy_init_return else []
    )
    process = subprocess.run(
        [
            find_ruff_bin(), "check", "--isolated", "--no-cache", "--exit-zero",
            "--output-format", "json", "--target-version", "py313",
            "--select", ",".join(RUFF_RETURN_CODES + RUFF_PARAMETER_CODES),
            *config, *paths,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    keys: Dict[str, Set[Key]] = {"return": set(), "parameter": set(), "syntax": set()}
    for diagnostic in json.loads(process.stdout):
        path = Path(diagnostic["filename"]).relative_to(root.resolve()).as_posix()
        line = diagnostic["location"]["row"]
        if diagnostic["code"] in RUFF_RETURN_CODES:
            keys["return"].add((path, line, backticked(diagnostic["message"])))
        elif diagnostic["code"] in RUFF_PARAMETER_CODES:
            keys["parameter"].add((path, line, backticked(diagnostic["message"])))
        else:
            keys["syntax"].add((path, line, diagnostic["message"]))
    return keys


def backticked(message: str) -> str:
    match = re.search(r"`([^`]*)`", message)
    assert match, message
    return match.group(1)


def our_keys(findings: Sequence[Finding]) -> Dict[str, Set[Key]]:
    families = {"HA101": "return", "HA102": "parameter"}
    keys: Dict[str, Set[Key]] = {"return": set(), "parameter": set()}
    for finding in findings:
        keys[families[finding.code]].add((finding.path, finding.line, backticked(finding.message)))
    return keys


def ruff_definition_order(module: ast.Module) -> List[ast.AST]:
    """Functions and classes in the order ruff records them: class bodies at once, function
    bodies deferred until the enclosing level is done (first in, first out)."""
    order: List[ast.AST] = []
    deferred: collections.deque[FunctionNode] = collections.deque()

    def visit(body: Sequence[ast.AST]) -> None:
        for node in body:
            if isinstance(node, FUNCTION_TYPES):
                order.append(node)
                deferred.append(node)
            elif isinstance(node, ast.ClassDef):
                order.append(node)
                visit(node.body)
            else:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        visit([child])
                    elif isinstance(child, CLAUSE_TYPES):
                        visit(child.body)

    visit(module.body)
    while deferred:
        visit(deferred.popleft().body)
    return order


def is_overload(function: FunctionNode) -> bool:
    return any(
        (isinstance(decorator, ast.Name) and decorator.id == "overload")
        or (isinstance(decorator, ast.Attribute) and decorator.attr == "overload")
        for decorator in function.decorator_list
    )


def ruff_exempt_overload_implementations(module: ast.Module) -> List[FunctionNode]:
    """What ruff's flake8-annotations skips entirely: a function right after an `@overload` of
    the same name in its definition order (a documented difference: HA101 reports these)."""
    exempt: List[FunctionNode] = []
    overloaded: Optional[str] = None
    for node in ruff_definition_order(module):
        if isinstance(node, FUNCTION_TYPES):
            if node.name == overloaded and not is_overload(node):
                exempt.append(node)
            overloaded = node.name if is_overload(node) else None
        else:
            overloaded = None
    return exempt


def methods(module: ast.Module) -> Iterator[FunctionNode]:
    """Functions whose scope is a class body (under `if`/`try`/... in it too)."""

    def in_body(body: Sequence[ast.AST]) -> Iterator[FunctionNode]:
        for node in body:
            if isinstance(node, FUNCTION_TYPES):
                yield node
            elif not isinstance(node, ast.ClassDef):
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        yield from in_body([child])
                    elif isinstance(child, CLAUSE_TYPES):
                        yield from in_body(child.body)

    for node in ast.walk(module):
        if isinstance(node, ast.ClassDef):
            yield from in_body(node.body)


def is_staticmethod(function: FunctionNode) -> bool:
    return any(
        isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
        for decorator in function.decorator_list
    )


def documented_differences(
    path: str, source: str, ours: Dict[str, Set[Key]]
) -> Dict[str, Set[Key]]:
    """Our findings that ruff is documented not to report (see the rule docs)."""
    # Generated type parameters are all `[T]`; dropping them keeps every position the same
    # and lets this model use the running `ast` whatever its version.
    module = ast.parse(source.replace("[T]", ""))
    differences: Dict[str, Set[Key]] = {"return": set(), "parameter": set()}
    for function in ruff_exempt_overload_implementations(module):
        differences["return"] |= {
            key for key in ours["return"] if key[:2] == (path, function.lineno)
        }
        body_line = function.body[0].lineno
        signature_lines = range(function.lineno, max(body_line, function.lineno + 1))
        differences["parameter"] |= {
            key for key in ours["parameter"] if key[0] == path and key[1] in signature_lines
        }
    for method in methods(module):
        arguments = method.args
        positional = arguments.posonlyargs or arguments.args
        if arguments.kwonlyargs and not positional and not is_staticmethod(method):
            first = arguments.kwonlyargs[0]
            differences["parameter"] |= ours["parameter"] & {(path, first.lineno, first.arg)}
    return differences


# --- ruff oracle ---------------------------------------------------------------------------


def src_corpus(tmp_path: Path) -> List[str]:
    """The repository's own sources, copied with `noqa` neutralized: both tools read noqa
    comments differently by design (tested separately), which must not blur the comparison."""
    root = Path(monorepo_hygiene.__file__).parent
    paths = []
    for source in sorted(root.rglob("*.py")):
        relative = source.relative_to(root.parent).as_posix()
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(re.sub(rb"(?i)noqa", b"n0qa", source.read_bytes()))
        paths.append(relative)
    assert len(paths) >= 10, paths  # At least the shared modules and this capability.
    return paths


def test_ruff_oracle_on_repository_sources(tmp_path: Path) -> None:
    paths = src_corpus(tmp_path)
    ruff = ruff_keys(tmp_path, paths)
    ours: Dict[str, Set[Key]] = {"return": set(), "parameter": set()}
    differences: Dict[str, Set[Key]] = {"return": set(), "parameter": set()}
    unparseable = set()
    for path in paths:
        content = (tmp_path / path).read_bytes()
        try:
            file_keys = our_keys(check_source(path, content, AnnotationOptions(select=BOTH)))
        except SourceError:
            unparseable.add(path)
            continue
        for family in ours:
            ours[family] |= file_keys[family]
        file_differences = documented_differences(path, content.decode(), file_keys)
        for family in differences:
            differences[family] |= file_differences[family]
    assert unparseable == {key[0] for key in ruff["syntax"]}
    for family in ["return", "parameter"]:
        assert ours[family] - differences[family] == {
            key for key in ruff[family] if key[0] not in unparseable
        }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.one_of(modules(newer=False), modules(newer=True)), mypy_init_return=st.booleans())
def test_ruff_oracle_on_generated_modules(source: str, mypy_init_return: bool) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "m.py").write_text(source)
        ruff = ruff_keys(root, ["m.py"], mypy_init_return)
    options = AnnotationOptions(select=BOTH, allow_init_without_return=mypy_init_return)
    ours = our_keys(check_source("m.py", source.encode(), options))
    differences = documented_differences("m.py", source, ours)
    assert not ruff["syntax"]
    for family in ["return", "parameter"]:
        assert differences[family] <= ours[family]
        assert ours[family] - differences[family] == ruff[family]


# One test per documented difference: ruff's behaviour and ours, side by side.


def ruff_and_ours(tmp_path: Path, source: str) -> Tuple[Dict[str, Set[Key]], Dict[str, Set[Key]]]:
    (tmp_path / "m.py").write_text(source)
    ours = our_keys(check_source("m.py", source.encode(), AnnotationOptions(select=BOTH)))
    return ruff_keys(tmp_path, ["m.py"]), ours


def test_ruff_difference_overload_implementation_is_reported(tmp_path: Path) -> None:
    source = (
        "from typing import overload\n"
        "@overload\n"
        "def f(x: int) -> int: ...\n"
        "@overload\n"
        "def f(x: str) -> str: ...\n"
        "def f(x):\n"
        "    return x\n"
    )
    ruff, ours = ruff_and_ours(tmp_path, source)
    assert ruff == {"return": set(), "parameter": set(), "syntax": set()}
    assert ours == {"return": {("m.py", 6, "f")}, "parameter": {("m.py", 6, "x")}}


def test_ruff_difference_overload_order_is_modelled(tmp_path: Path) -> None:
    # ruff's exemption follows its definition order (function bodies deferred), not scopes:
    # a method's overload exempts the module function after it, and a module-level overload
    # the nested function visited next. The test's model must agree with ruff on that.
    source = (
        "from typing import overload\n"
        "class A:\n"
        "    @overload\n"
        "    def g(self) -> int: ...\n"
        "def g():\n"
        "    return 1\n"
        "def outer():\n"
        "    def f():\n"
        "        return 1\n"
        "    return f\n"
        "@overload\n"
        "def f() -> int: ...\n"
    )
    ruff, ours = ruff_and_ours(tmp_path, source)
    exempt = ruff_exempt_overload_implementations(ast.parse(source))
    assert [function.lineno for function in exempt] == [5, 8]
    assert ruff["return"] == {("m.py", 7, "outer")}
    assert ours["return"] == {("m.py", 5, "g"), ("m.py", 7, "outer"), ("m.py", 8, "f")}


def test_ruff_difference_line_of_def_split_from_name(tmp_path: Path) -> None:
    ruff, ours = ruff_and_ours(tmp_path, "def \\\n    f():\n    return 1\n")
    assert ruff["return"] == {("m.py", 2, "f")}
    assert ours["return"] == {("m.py", 1, "f")}


def test_ruff_difference_method_without_positional_parameters(tmp_path: Path) -> None:
    ruff, ours = ruff_and_ours(tmp_path, "class A:\n    def m(*, key) -> None: ...\n")
    assert ruff["parameter"] == set()
    assert ours["parameter"] == {("m.py", 2, "key")}


def test_ruff_difference_noqa_on_decorator_line(tmp_path: Path) -> None:
    ruff, ours = ruff_and_ours(tmp_path, "@decorator  # noqa\ndef f():\n    return 1\n")
    assert ruff["return"] == {("m.py", 2, "f")}
    assert ours["return"] == set()


def test_ruff_difference_column_of_star_args(tmp_path: Path) -> None:
    source = "def f(*args, **kwargs) -> None: ...\n"
    (tmp_path / "m.py").write_text(source)
    ours = check_source("m.py", source.encode(), AnnotationOptions(select=BOTH))
    assert [(finding.col, backticked(finding.message)) for finding in ours] == [
        (8, "*args"),
        (16, "**kwargs"),
    ]
    assert ruff_keys(tmp_path, ["m.py"])["parameter"] == {
        ("m.py", 1, "*args"),
        ("m.py", 1, "**kwargs"),
    }


# --- Both front ends agree -------------------------------------------------------------------


def test_front_ends_agree_on_repository_sources() -> None:
    root = Path(monorepo_hygiene.__file__).parent
    options = AnnotationOptions(select=BOTH)
    for source in sorted(root.rglob("*.py")):
        content = source.read_bytes()
        path = str(source)
        assert check_source(path, content, options) == check_source_with_libcst(
            path, content, options
        )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=modules(newer=False), allow_init_without_return=st.booleans())
def test_front_ends_agree_on_generated_modules(
    source: str, allow_init_without_return: bool
) -> None:
    options = AnnotationOptions(select=BOTH, allow_init_without_return=allow_init_without_return)
    content = source.encode()
    assert check_source("m.py", content, options) == check_source_with_libcst(
        "m.py", content, options
    )


# --- Fixer properties ------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=modules(newer=False))
def test_fix_only_adds_none_where_findings_say_so(source: str) -> None:
    assert_fix_matches_findings("m.py", source)


def test_fix_only_adds_none_where_findings_say_so_on_unannotated_repository_sources() -> None:
    # Real code, its return annotations taken out: classes with bases in and out of the file,
    # overloads, abstract methods, dunders, functions that never return.
    root = Path(monorepo_hygiene.__file__).parent
    fixable = 0
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, FUNCTION_TYPES):
                node.returns = None
        source = ast.unparse(tree)
        assert_fix_matches_findings(str(path), source)
        fixable += sum(finding.fixable for finding in check_source(str(path), source.encode()))
    assert fixable >= 5  # The corpus exercises the fix, not only the findings.


def assert_fix_matches_findings(path: str, source: str) -> None:
    """`[*]` on a finding is exactly what `fix_source` does, and fixing is stable."""
    content = source.encode()
    findings = check_source(path, content)
    fixable = {(finding.line, finding.col) for finding in findings if finding.fixable}
    fixed = fix_source(path, content)
    if not fixable:
        assert fixed is None
        return
    assert fixed is not None
    # The fixed tree is the original with `-> None` on exactly the fixable functions.
    expected = ast.parse(source)
    for node in ast.walk(expected):
        if isinstance(node, FUNCTION_TYPES) and (node.lineno, node.col_offset + 1) in fixable:
            node.returns = ast.Constant(value=None)
    assert ast.dump(ast.parse(fixed)) == ast.dump(expected)
    # Only those signature lines changed, each by one inserted ` -> None`.
    for before, after in zip(source.splitlines(), fixed.decode().splitlines()):
        assert before == after or after.replace(" -> None", "", 1) == before
    assert len(source.splitlines()) == len(fixed.decode().splitlines())
    # What remains is exactly what could not be fixed, and fixing again changes nothing.
    assert check_source(path, fixed) == tuple(
        finding for finding in findings if not finding.fixable
    )
    assert fix_source(path, fixed) is None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=modules(newer=False))
def test_fixable_functions_are_not_generators_per_the_compiler(source: str) -> None:
    # CPython's compiler is an independent judge of "this function is a generator", including
    # yields hidden in nested decorators, defaults and lambdas. Each function is compiled on its
    # own (from `def`: its decorators belong to the enclosing scope): in the whole module, code
    # after a `raise` is dropped as unreachable.
    lines = source.splitlines()
    functions = {
        (node.lineno, node.col_offset + 1): node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, FUNCTION_TYPES)
    }
    fixable = [finding for finding in check_source("m.py", source.encode()) if finding.fixable]
    for finding in fixable:
        node = functions[(finding.line, finding.col)]
        snippet = textwrap.dedent("\n".join(lines[node.lineno - 1 : node.end_lineno]))
        (code,) = [
            constant
            for constant in compile(snippet, "m.py", "exec").co_consts
            if isinstance(constant, types.CodeType)
        ]
        assert code.co_name == node.name
        assert not code.co_flags & (inspect.CO_GENERATOR | inspect.CO_ASYNC_GENERATOR), finding
