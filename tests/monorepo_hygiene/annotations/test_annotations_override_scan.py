"""Fix safety beyond one file: after `-> None` is added, no subclass in another file overrides
a fixed method with a non-None return (the one thing the per-file rule can't see), checked by
a repo-wide scan over fixture repos and the suite's own sources, with mypy as the oracle."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from typing import Dict, List, Set, Tuple

import monorepo_hygiene
from monorepo_hygiene.annotations.fix import fix_source
from tests.monorepo_hygiene.annotations.override_scan import (
    FUNCTION_TYPES,
    Override,
    Tree,
    conflicts,
    fixed_methods,
    module_name,
    overrides,
)
from tests.monorepo_hygiene.annotations.test_annotations_mypy import mypy_errors, new_errors

SHAPES = {
    "shapes/__init__.py": "from .base import Shape as Shape\n",
    "shapes/base.py": """
        import abc
        from enum import Enum

        class Shape(abc.ABC):
            def log(self, msg):
                print(msg)

            def draw(self):
                print("shape")

        class Color(Enum):
            RED = 1

            def show(self):
                print(self.value)
        """,
    "shapes/square.py": """
        from shapes import Shape

        class Square(Shape):
            def log(self, msg):
                print("square", msg)
        """,
    "app/circle.py": """
        import shapes.base as base

        class Circle(base.Shape):
            def draw(self) -> None:
                print("circle")

        class Ring(Circle):
            def log(self, msg):
                return None
        """,
}
# What the fix can't see: a subclass elsewhere whose `draw` returns a value (annotated: mypy
# compares no override whose own signature is untyped).
CONFLICTING = {
    "app/label.py": """
        from shapes.base import Shape

        class Label(Shape):
            def draw(self) -> str:
                return "label"
        """,
}


def write(root: Path, files: Dict[str, str]) -> List[Path]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return sorted(root / name for name in files)


def fix_and_scan(root: Path, paths: List[Path]) -> Tuple[List[Override], List[Override]]:
    """Fix every file as `pants fix` would, then scan: (overrides, conflicts) of fixed methods."""
    fixed: Set[Tuple[str, str, str]] = set()
    for path in paths:
        before = path.read_bytes()
        after = fix_source(str(path), before)
        if after is None:
            continue
        path.write_bytes(after)
        module = module_name(root, path)
        fixed |= {
            (module, cls, method)
            for cls, method in fixed_methods(ast.parse(before), ast.parse(after))
        }
    tree = Tree(root, paths)
    found = overrides(tree, fixed)
    return found, conflicts(tree, found)


def test_no_override_in_another_file_conflicts_with_a_fixed_method(tmp_path: Path) -> None:
    paths = write(tmp_path, SHAPES)
    before = mypy_errors(tmp_path, [str(p.relative_to(tmp_path)) for p in paths])
    found, conflicting = fix_and_scan(tmp_path, paths)
    # Overrides in other files, through a re-export, a module alias and a grandchild.
    assert {(o.base, o.method, o.subclass) for o in found} == {
        (("shapes.base", "Shape"), "log", ("shapes.square", "Square")),
        (("shapes.base", "Shape"), "draw", ("app.circle", "Circle")),
        (("shapes.base", "Shape"), "log", ("app.circle", "Ring")),
    }
    assert conflicting == []
    after = mypy_errors(tmp_path, [str(p.relative_to(tmp_path)) for p in paths])
    assert new_errors(before, after) == set()


def test_the_scan_and_mypy_see_a_conflict_the_fix_cannot(tmp_path: Path) -> None:
    # The scan can fail: an override in another file that returns a value is found, and mypy
    # agrees that the fixed base now clashes with it.
    paths = write(tmp_path, {**SHAPES, **CONFLICTING})
    names = [str(p.relative_to(tmp_path)) for p in paths]
    before = mypy_errors(tmp_path, names)
    _, conflicting = fix_and_scan(tmp_path, paths)
    assert conflicting == [Override(("shapes.base", "Shape"), "draw", ("app.label", "Label"))]
    assert {(error[0], error[2]) for error in new_errors(before, mypy_errors(tmp_path, names))} == {
        ("app/label.py", "override")
    }


def test_no_override_conflicts_in_the_suites_own_sources_without_annotations(
    tmp_path: Path,
) -> None:
    # Real code, its return annotations taken out, fixed, scanned: classes on stdlib bases
    # (`abc.ABC`, `Exception`, `cst.CSTVisitor`), subclassed in other modules.
    source_root = Path(monorepo_hygiene.__file__).parent.parent
    paths = []
    for path in sorted(source_root.joinpath("monorepo_hygiene").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, FUNCTION_TYPES):
                node.returns = None
        target = tmp_path / path.relative_to(source_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ast.unparse(tree))
        paths.append(target)
    found, conflicting = fix_and_scan(tmp_path, paths)
    assert conflicting == []
    assert found  # The corpus has fixed methods overridden in other files.
