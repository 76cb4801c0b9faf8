"""Fixed imports import the same objects: checked by resolving names, then by really importing."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tempfile
from typing import Dict, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.imports import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
    check_files,
    check_source,
    fix_source,
)
from tests.monorepo_hygiene.imports.imports_trees import (
    PackageTree,
    bindings,
    import_nodes,
    import_statements,
    owner_of_binding,
    package_trees,
    read_tree,
    statement_lists,
    write_tree,
)

POLICIES = (RELATIVE_WITHIN_BUILD, RELATIVE_WITHIN_BUILD_NO_PARENTS, ABSOLUTE)

# Where an import statement can sit; `{}` is the statement.
_PLACES = (
    "{}\n",
    "def function() -> None:\n    {}\n",
    "if TYPE_CHECKING:\n    {}\n",
    "try:\n    {}\nexcept ImportError:\n    pass\n",
    "class Holder:\n    {}  # a comment\n",
)


def _climb_candidates(tree: PackageTree, package: str, named: str) -> List[str]:
    parts = package.split(".") if package else []
    candidates = [".".join([*parts[:depth], named]) for depth in range(len(parts), -1, -1)]
    return [candidate for candidate in candidates if tree.exists(candidate)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), policy=st.sampled_from(POLICIES))
def test_fixed_imports_resolve_to_the_same_modules(data: st.DataObject, policy: str) -> None:
    tree = data.draw(package_trees())
    importer = data.draw(st.sampled_from(sorted(tree.modules)))
    statements = data.draw(statement_lists(tree, importer, 5))
    source = "from typing import TYPE_CHECKING\n" + "".join(
        # `import *` compiles only at module level (CPython: "only allowed at module level").
        data.draw(
            st.sampled_from(_PLACES[0:1] + _PLACES[2:4] if "*" in statement else _PLACES)
        ).format(statement)
        for statement in statements
    )
    facts = tree.facts(policy)
    path = tree.path(importer)
    if tree.modules[importer]:
        # A package's own `__init__`: what it binds itself, then the statements.
        source = tree.init_bodies.get(importer, "") + source
    # Every file the checker may read, and the importer as tested.
    contents = {**tree.init_contents(), path: source.encode()}
    inits = tree.package_inits(contents)
    file_facts = facts.files[path]
    fixed = fix_source(path, source.encode(), file_facts, facts.owners, inits)
    fixed_source = source if fixed is None else fixed.decode()
    package = tree.package_of(importer)

    befores, afters = import_nodes(source), import_nodes(fixed_source)
    assert len(befores) == len(afters)
    for before, after in zip(befores, afters):
        if isinstance(before, ast.ImportFrom) and before.level > len(
            package.split(".") if package else []
        ):
            # Climbing above the top-level package: fixed only to the single module it can mean.
            candidates = _climb_candidates(tree, package, before.module or "")
            if len(candidates) != 1:
                assert ast.dump(after) == ast.dump(before)
                continue
            assert [module for module, _, _, _ in bindings(after, package, tree)] == candidates
        else:
            assert bindings(after, package, tree) == bindings(before, package, tree)

        is_relative = isinstance(after, ast.ImportFrom) and after.level > 0
        owners = {
            owner_of_binding(tree, module, name)
            for module, name, _, _ in bindings(after, package, tree)
        }
        if policy == ABSOLUTE:
            assert not is_relative
        elif is_relative:
            assert owners == {file_facts.owner}
            # Ruff's TID252 `parents` accepts it: one dot, the own package and below.
            assert policy != RELATIVE_WITHIN_BUILD_NO_PARENTS or after.level == 1
        elif isinstance(after, ast.ImportFrom) and package:
            # Absolute and left so: something is owned elsewhere, or there's no relative form.
            module = after.module or ""
            same_top_level = module.split(".")[0] == package.split(".")[0]
            # Under `no-parents`, a module outside the own package needs `..`: absolute.
            in_own_package = module == package or module.startswith(package + ".")
            assert (
                owners != {file_facts.owner}
                or not same_top_level
                or (policy == RELATIVE_WITHIN_BUILD_NO_PARENTS and not in_own_package)
            )

    assert fix_source(path, fixed_source.encode(), file_facts, facts.owners, inits) is None
    assert not any(
        f.fixable
        for f in check_source(path, fixed_source.encode(), file_facts, facts.owners, inits)
    )
    # The fix the check tried is the fix, and a fixed file keeps its findings without `[*]`
    # (one statement a line here, so their columns don't move): what a fixer takes from the
    # check's process (`--write-fixes`) is what fixing gives.
    checked = check_files(contents, facts)
    fixed_batch = check_files(contents, facts, fix=True)
    assert checked.fixes.get(path) == fixed
    assert checked.fixes == fixed_batch.fixed
    assert fixed_batch.findings == tuple(
        f for f in checked.findings if not (f.fixable and f.path in checked.fixes)
    )


_IMPORT_AND_DESCRIBE = """
import importlib, json, sys, types
sys.path.insert(0, sys.argv[1])
described = {}
names = sys.argv[3:]
for name in reversed(names) if sys.argv[2] == "reversed" else names:
    module = importlib.import_module(name)
    described[name] = {
        key: f"module {value.__name__}" if isinstance(value, types.ModuleType) else repr(value)
        for key, value in sorted(vars(module).items())
        if not key.startswith("__")
    }
print(json.dumps(described))
"""


def _import_everything(root: str, tree: PackageTree) -> List[Dict[str, Dict[str, str]]]:
    """Every module of the tree imported in a fresh interpreter, its namespace described: in
    sorted order, then in reverse, where a module runs before the submodules it imports (and
    `from package import name` meets what the package binds itself, not yet the submodule)."""
    return [
        json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _IMPORT_AND_DESCRIBE,
                    os.path.join(root, "src"),
                    order,
                    *sorted(tree.modules),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for order in ("sorted", "reversed")
    ]


def _fix_tree(root: str, tree: PackageTree, policy: str) -> int:
    """Fix the tree on disk for a policy; the number of files changed."""
    result = check_files(read_tree(root, tree), tree.facts(policy), fix=True)
    assert not any(finding.fixable for finding in result.findings)
    for path, content in result.fixed.items():
        with open(os.path.join(root, path), "wb") as module_file:
            module_file.write(content)
    return len(result.fixed)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fixed_trees_import_the_same_objects(data: st.DataObject) -> None:
    tree = data.draw(package_trees())
    # Only plain modules import, and only modules before them, so nothing imports in a cycle;
    # package `__init__`s import no first-party module (they may bind their submodules' names
    # themselves) and can be imported from anywhere.
    plain_modules = sorted(module for module, is_package in tree.modules.items() if not is_package)
    packages = sorted({*tree.namespace_packages, *(m for m, p in tree.modules.items() if p)})
    bodies = {}
    for index, importer in enumerate(plain_modules):
        targets = [*packages, *plain_modules[:index]]
        statements = [
            data.draw(import_statements(tree, importer, f"n{i}", targets))
            for i in range(data.draw(st.integers(0, 4)))
        ]
        bodies[importer] = "".join(
            data.draw(st.sampled_from([_PLACES[0], _PLACES[3]])).format(statement)
            for statement in statements
        )

    with tempfile.TemporaryDirectory() as root:
        write_tree(root, tree, bodies)
        original = _import_everything(root, tree)
        for policy in (*POLICIES, RELATIVE_WITHIN_BUILD):
            _fix_tree(root, tree, policy)
            assert _import_everything(root, tree) == original
            assert _fix_tree(root, tree, policy) == 0
