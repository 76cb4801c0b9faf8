"""Under the `absolute` policy the rule is ruff's TID252 (`ban-relative-imports = "all"`): same
statements flagged, same fixes, on trees where every package has an `__init__.py` (how ruff
finds packages)."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Dict, List, Set, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruff.__main__ import find_ruff_bin

from monorepo_hygiene.imports import ABSOLUTE, check_files
from tests.monorepo_hygiene.imports.imports_trees import (
    PackageTree,
    import_statements,
    package_trees,
    read_tree,
    write_tree,
)

_RUFF_ARGS = [
    "--isolated",
    "--no-cache",
    "--select",
    "TID252",
    "--config",
    'lint.flake8-tidy-imports.ban-relative-imports = "all"',
]


def _ruff(root: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [find_ruff_bin(), "check", *_RUFF_ARGS, *args, "src"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,  # Exits 1 when it finds something.
    )


def _ruff_flagged(root: str) -> Set[Tuple[str, int]]:
    completed = _ruff(root, "--output-format", "json")
    return {
        (os.path.relpath(item["filename"], root), item["location"]["row"])
        for item in json.loads(completed.stdout)
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_absolute_policy_flags_and_fixes_what_ruff_tid252_does(data: st.DataObject) -> None:
    tree: PackageTree = data.draw(package_trees(namespaces=False))
    modules = sorted(tree.modules)
    bodies: Dict[str, str] = {}
    for importer in modules:
        statements: List[str] = [
            data.draw(import_statements(tree, importer, f"n{i}", modules))
            for i in range(data.draw(st.integers(0, 3)))
        ]
        indented = data.draw(st.booleans())
        bodies[importer] = "".join(
            # `import *` compiles only at module level.
            f"def function() -> None:\n    {statement}\n"
            if indented and "*" not in statement
            else f"{statement}\n"
            for statement in statements
        )

    with tempfile.TemporaryDirectory() as root:
        write_tree(root, tree, bodies)
        result = check_files(read_tree(root, tree), tree.facts(ABSOLUTE), fix=False)
        assert {(f.path, f.line) for f in result.findings} == _ruff_flagged(root)

        original = read_tree(root, tree)
        fixed = check_files(original, tree.facts(ABSOLUTE), fix=True).fixed
        _ruff(root, "--fix", "--unsafe-fixes")
        assert read_tree(root, tree) == {**original, **fixed}
