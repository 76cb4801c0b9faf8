"""Stdlib base classes as the `-> None` rule sees them: the checked-in typeshed table, and the
file's own import bindings, read alike by both front ends."""

from __future__ import annotations

import ast
import importlib
import sys
from typing import Dict, Optional, Tuple

import libcst as cst
from hypothesis import HealthCheck, given, settings

from monorepo_hygiene.annotations.ast_functions import ast_functions
from monorepo_hygiene.annotations.cst_functions import cst_functions
from monorepo_hygiene.annotations.functions import ModuleView, SourceLines
from monorepo_hygiene.annotations.provable import NONE_DUNDERS, NoneReturnJudge
from monorepo_hygiene.annotations.stdlib_bases import STDLIB_BASES
from tests.monorepo_hygiene.annotations.annotations_fixtures import stdlib_base_modules
from tests.monorepo_hygiene.annotations.typeshed_bases import (
    TABLE,
    VETTED,
    object_methods,
    render,
)


def test_the_table_holds_every_name_the_installed_typeshed_declares() -> None:
    # Fails after a mypy upgrade whose typeshed declares more on a vetted class (the table is
    # a union: what an older one declared stays); `python -m
    # tests.monorepo_hygiene.annotations.typeshed_bases` adds the new names.
    assert TABLE.read_text(encoding="utf-8") == render()


def test_object_declares_dunders_only_and_the_none_dunders_return_none() -> None:
    # Why `object` needs no table: the dunder rule already refuses every name it declares,
    # except those of NONE_DUNDERS, which its stub declares `-> None`.
    methods = object_methods()
    assert all(name.startswith("__") and name.endswith("__") for name in methods)
    none_dunders = [methods[name] for name in NONE_DUNDERS if name in methods]
    assert {function.name for function in none_dunders} >= {"__init__", "__setattr__"}
    for function in none_dunders:
        returns = function.returns
        assert isinstance(returns, ast.Constant) and returns.value is None, function.name


def test_the_running_interpreter_declares_no_public_name_typeshed_misses() -> None:
    # typeshed is what type checkers read; this checks it is complete for the public names of
    # the vetted classes on the interpreter at hand (private ones like `_abc_impl` are runtime
    # details no override check looks at).
    checked = 0
    for public, _, name in VETTED:
        module_name = public.rpartition(".")[0]
        cls = getattr(importlib.import_module(module_name), name, None)
        if cls is None:  # `enum.StrEnum` below CPython 3.11.
            assert sys.version_info < (3, 11), public
            continue
        declared = {
            attribute
            for klass in cls.__mro__
            if klass is not object
            for attribute in vars(klass)
            if not attribute.startswith("_")
        }
        # Enum members and instance attributes aside, what the class itself carries.
        assert declared <= STDLIB_BASES[public], (public, declared - STDLIB_BASES[public])
        checked += 1
    assert checked >= len(VETTED) - 1


def _both_front_ends(source: str) -> Tuple[ModuleView, ModuleView]:
    lines = SourceLines(lambda: source)
    by_ast = ast_functions(ast.parse(source), lines)
    by_cst = cst_functions(cst.parse_module(source), lines)
    return by_ast, by_cst


def _decisions(module: ModuleView) -> Dict[Tuple[int, int], Optional[str]]:
    judge = NoneReturnJudge(module)
    return {(function.line, function.col): judge.reason(function) for function in module.functions}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=stdlib_base_modules())
def test_front_ends_agree_on_bindings_and_decisions(source: str) -> None:
    # The `[*]` must not depend on the interpreter: a file the running `ast` can't read goes
    # to libcst, and both must bind the same names to the same stdlib classes.
    by_ast, by_cst = _both_front_ends(source)
    assert by_ast.name_bindings() == by_cst.name_bindings()
    assert _decisions(by_ast) == _decisions(by_cst)
