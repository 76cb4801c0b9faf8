"""Both parsers list the same import statements in the same order: the fixer relies on it."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from typing import List

import libcst as cst
import pytest

from monorepo_hygiene.imports.cst_statements import statements_from_cst
from monorepo_hygiene.imports.ast_statements import statements_from_ast
from monorepo_hygiene.imports.statements import ImportStatement

_EVERY_BLOCK = """\
import a.b as c, d
from . import (e,  # comment
    f as g)
from ..h.i import *
x = "é"; from j import k
@decorator
class C:
    import l
    async def m(self) -> None:
        async with n:
            from o import p
        async for q in r:
            import s
        else:
            import t
while u:
    import v
else:
    import w
try:
    import x1
except ImportError:
    import x2
except (KeyError, ValueError) as error:
    import x3
else:
    import x4
finally:
    import x5
if y:
    import y1
elif z:
    import y2
else:
    import y3
"""
_MATCH = """\
match command:
    case [x]:
        import z1
    case _:
        from .z import z2
"""
_TRY_STAR = """\
try:
    import z3
except* OSError:
    from z import z4
"""


def _sample() -> str:
    sample = _EVERY_BLOCK
    if sys.version_info >= (3, 10):
        sample += _MATCH
    if sys.version_info >= (3, 11):
        sample += _TRY_STAR
    return sample


def _listed_by_both(text: str) -> List[ImportStatement]:
    from_ast = statements_from_ast(ast.parse(text))
    assert statements_from_cst(text) == from_ast
    return from_ast


def test_every_kind_of_block_is_walked_in_source_order() -> None:
    statements = _listed_by_both(_sample())
    assert [s.line for s in statements] == sorted(s.line for s in statements)
    assert len(statements) == _sample().count("import ")
    assert statements[0] == ImportStatement(False, 0, "", (("a.b", "c"), ("d", None)), 1, 0, 1)
    assert statements[1] == ImportStatement(True, 1, "", (("e", None), ("f", "g")), 2, 0, 3)
    assert statements[2].shape == (True, 2, "h.i", None)
    assert statements[3].col == len('x = "é"; '.encode())


@pytest.mark.parametrize(
    "module", ["subprocess", "email.utils", "unittest.mock", "asyncio.base_events"]
)
def test_real_modules_are_listed_alike(module: str) -> None:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    with open(spec.origin, encoding="utf-8") as source_file:
        assert _listed_by_both(source_file.read())


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_places_follow_every_line_ending(newline: str) -> None:
    # libcst places imports from the code it generates: a string spanning lines, a backslash
    # continuation and each kind of line break must count as `ast` counts them.
    text = 'x = """\nimport fake\n"""\ny = 1 + \\\n    2; import after_continuation\n' + _sample()
    assert _listed_by_both(text.replace("\n", newline))


@pytest.mark.parametrize("package", ["email", "json", "asyncio", "importlib"])
def test_whole_stdlib_packages_are_listed_alike(package: str) -> None:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    for directory in spec.submodule_search_locations:
        for path in sorted(Path(directory).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            assert statements_from_cst(text, cst.parse_module(text)) == statements_from_ast(
                ast.parse(text)
            ), path
