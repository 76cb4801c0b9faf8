"""Generated modules for the annotation tests: nested defs, classes, overloads, properties,
decorators, async functions, with and without syntax newer than the running interpreter."""

from __future__ import annotations

import ast
import sys
from typing import List, Optional, Union

from hypothesis import strategies as st

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
MATCH_IS_READABLE = sys.version_info >= (3, 10)

HEADER = (
    "import abc\nimport logging\nimport sys\nimport threading\nimport typing\n"
    "from abc import ABC\nfrom typing import overload\n\n"
)
# Dunders with a type fixed by the data model (`__str__`, `__eq__`) and without; `size` and
# `run` are also method names that classes of one module may share.
# `run`, `emit` and `name` are declared by stdlib bases (`threading.Thread`, `logging.Handler`).
NAMES = (
    "f", "g", "_private", "__init__", "__call__", "__str__", "__eq__", "test_it", "size",
    "run", "emit", "name",
)  # fmt: skip
DECORATORS = (
    "@property",
    "@staticmethod",
    "@classmethod",
    "@deco",
    "@deco(1)",
    "@pytest.fixture",
    "@overload",
    "@typing.overload",
    "@abc.abstractmethod",
)
MAX_DEPTH = 3
COMMON_STATEMENTS = (
    "pass",
    "...",
    '"""Docstring."""',
    "x = 1",
    "raise ValueError('no')",
    "print(x)",
    "sys.exit(1)",
    "assert False",
)
SCOPE_STATEMENTS = {
    "module": COMMON_STATEMENTS,
    "class": COMMON_STATEMENTS,
    "function": COMMON_STATEMENTS
    + (
        "return",
        "return None",
        "return x",
        "yield x",
        "yield from xs",
        "make = lambda: (yield)",
        "handler = lambda y=(yield): y",
    ),
    # No yield in async functions: `return x` in an async generator would not compile.
    "async": COMMON_STATEMENTS + ("return", "return None", "return x", "await x"),
}


def indent(lines: List[str]) -> List[str]:
    return ["    " + line for line in lines]


@st.composite
def blocks(draw: st.DrawFn, depth: int, scope: str, newer: bool) -> List[str]:
    lines: List[str] = []
    for _ in range(draw(st.integers(1, 3))):
        lines.extend(draw(statements(depth, scope, newer)))
    return lines


def statements(depth: int, scope: str, newer: bool) -> st.SearchStrategy[List[str]]:
    simple = st.sampled_from(SCOPE_STATEMENTS[scope]).map(lambda statement: [statement])
    if depth >= MAX_DEPTH:
        return simple
    return st.one_of(
        simple,
        compound_statements(depth, scope, newer),
        function_defs(depth, scope, newer),
        class_defs(depth, newer),
        overload_groups(depth, scope, newer),
    )


@st.composite
def compound_statements(draw: st.DrawFn, depth: int, scope: str, newer: bool) -> List[str]:
    def block() -> List[str]:
        return indent(draw(blocks(depth + 1, scope, newer)))

    kinds = ["if", "for", "while", "while True", "try", "with"] + (
        ["match"] if newer or MATCH_IS_READABLE else []
    )
    kind = draw(st.sampled_from(kinds))
    if kind == "if":
        return ["if x:", *block(), "else:", *block()]
    if kind == "for":
        return ["for item in xs:", *block()]
    if kind == "while":
        return ["while x:", *block(), "else:", *block()]
    if kind == "while True":
        exit_loop = ["    if x:", "        break"] if draw(st.booleans()) else []
        return ["while True:", *exit_loop, *block()]
    if kind == "try":
        return ["try:", *block(), "except ValueError:", *block(), "finally:", *block()]
    if kind == "with":
        return ["with cm() as c:", *block()]
    return ["match x:", "    case 1:", *indent(block()), "    case _:", *indent(block())]


@st.composite
def parameter_lists(draw: st.DrawFn, in_class: bool) -> List[str]:
    def annotation() -> str:
        return ": int" if draw(st.booleans()) else ""

    parameters: List[str] = []
    if in_class:
        parameters.extend(draw(st.sampled_from([["self"], ["cls"], ['self: "A"'], []])))
    with_default = False
    for name in draw(st.lists(st.sampled_from("abc"), unique=True, max_size=3)):
        with_default = with_default or draw(st.booleans())
        typed = annotation()
        parameters.append(name + typed + ((" = 1" if typed else "=1") if with_default else ""))
    if parameters and draw(st.booleans()):
        parameters.append("/")
    star = draw(st.sampled_from(["", "*args", "*args: int"]))
    keyword_only = [
        name + annotation() + draw(st.sampled_from(["", "=1"]))
        for name in draw(st.lists(st.sampled_from("km"), unique=True, max_size=2))
    ]
    if star or keyword_only:
        parameters.append(star or "*")
    parameters.extend(keyword_only)
    kwargs = draw(st.sampled_from(["", "**kw", "**kw: int"]))
    return parameters + ([kwargs] if kwargs else [])


@st.composite
def function_defs(
    draw: st.DrawFn,
    depth: int,
    scope: str,
    newer: bool,
    name: Optional[str] = None,
    overload_decorator: Optional[str] = None,
) -> List[str]:
    if overload_decorator:
        decorators = [overload_decorator]
    else:
        # In a (non-async) function, a decorator can make the enclosing function a generator.
        choices = DECORATORS + (("@deco((yield))",) if scope == "function" else ())
        decorators = draw(st.lists(st.sampled_from(choices), max_size=2, unique=True))
    is_async = draw(st.booleans())
    name = name or draw(st.sampled_from(NAMES))
    parameters = draw(parameter_lists(scope == "class"))
    type_parameters = draw(st.sampled_from(["", "[T]"])) if newer else ""
    returns = draw(st.sampled_from(["", " -> None", " -> int"]))
    opening = f"{'async ' if is_async else ''}def {name}{type_parameters}("
    if parameters and draw(st.booleans()):
        signature = [
            opening,
            *indent([parameter + "," for parameter in parameters]),
            f"){returns}:",
        ]
    else:
        signature = [f"{opening}{', '.join(parameters)}){returns}:"]
    if overload_decorator:
        body = ["..."]
    else:
        body = draw(blocks(depth + 1, "async" if is_async else "function", newer))
    return [*decorators, *signature, *indent(body)]


@st.composite
def class_defs(draw: st.DrawFn, depth: int, newer: bool) -> List[str]:
    decorators = draw(st.lists(st.sampled_from(["@dataclass", "@deco"]), max_size=1))
    type_parameters = draw(st.sampled_from(["", "[T]"])) if newer else ""
    name = draw(st.sampled_from("AB"))
    body = draw(blocks(depth + 1, "class", newer))
    # No base, `object`, classes of the module (which may define the same names), stdlib
    # classes (which may declare them) or an unknown one: what decides whether a method's
    # `-> None` is provable.
    bases = draw(
        st.sampled_from(
            ["", "(object)", "(A)", "(B)", "(A, B)", "(Base)", "(abc.ABC)", "(ABC)"]
            + ["(Exception)", "(threading.Thread)", "(logging.Handler)", "(A, abc.ABC)"]
        )
    )
    return [*decorators, f"class {name}{type_parameters}{bases}:", *indent(body)]


@st.composite
def overload_groups(draw: st.DrawFn, depth: int, scope: str, newer: bool) -> List[str]:
    name = draw(st.sampled_from(NAMES))
    lines: List[str] = []
    for decorator in draw(
        st.lists(st.sampled_from(["@overload", "@typing.overload"]), min_size=1, max_size=2)
    ):
        lines.extend(draw(function_defs(depth, scope, newer, name, decorator)))
    if draw(st.booleans()):
        lines.extend(draw(function_defs(depth, scope, newer, name)))
    return lines


def modules(newer: bool) -> st.SearchStrategy[str]:
    """Modules of nested defs, classes, overloads, properties, decorators, async functions.

    `newer` adds PEP 695 type parameters (libcst path before 3.12) and always allows `match`;
    without it, the code is readable by both the running `ast` and libcst.
    """
    return blocks(0, "module", newer).map(lambda lines: HEADER + "\n".join(lines) + "\n")


# How a file may bind a stdlib base's name: only the unconditional ones directly in the module
# body make `Base` the stdlib class; the others (conditional, in `try`, rebound, star,
# third-party) must leave it unknown, in both front ends alike. (Relative imports are in the
# unit tests: mypy stops at one in a file outside a package.)
BASE_BINDINGS = (
    "import abc as Base_module\nBase = Base_module.ABC",
    "from abc import ABC as Base",
    "from abc import ABC as Base\nBase = object",
    "import threading\nfrom threading import Thread as Base",
    "from logging import Handler as Base",
    "from json import JSONEncoder as Base",
    "from enum import Enum as Base",
    "from asyncio import Protocol as Base",
    "from unittest import TestCase as Base",
    "if sys.version_info >= (3, 11):\n    from abc import ABC as Base",
    "try:\n    from abc import ABC as Base\nexcept ImportError:\n    Base = object",
    "from abc import *",
    "from requests import Session as Base",
    "import collections.abc as Base",
    "import threading.Thread",
    "",
)
STDLIB_BASE_SPELLINGS = (
    "Base", "Base.Mapping", "Exception", "builtins.Exception", "KeyError", "abc.ABC",
    "threading.Thread", "enum.Enum", "Enum", "unittest.TestCase", "asyncio.Protocol",
)  # fmt: skip


@st.composite
def stdlib_base_modules(draw: st.DrawFn) -> str:
    """A module binding names of stdlib classes in each of the ways `BASE_BINDINGS` lists,
    with classes on them whose methods' names their bases may declare."""
    lines = ["import sys"]
    lines += draw(st.lists(st.sampled_from(BASE_BINDINGS), min_size=1, max_size=4))
    lines += draw(st.lists(st.sampled_from(["import abc", "import builtins", "import enum"])))
    for index in range(draw(st.integers(1, 3))):
        bases = draw(st.lists(st.sampled_from(STDLIB_BASE_SPELLINGS), min_size=1, max_size=2))
        lines.append(f"class C{index}({', '.join(dict.fromkeys(bases))}):")
        for name in draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True)):
            lines += [f"    def {name}(self):", "        print(self)"]
    return "\n".join(lines) + "\n"
