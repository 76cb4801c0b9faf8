"""Under the `absolute` policy the rule is ruff's TID252 (`ban-relative-imports = "all"`): same
statements flagged, same fixes, on trees where every package has an `__init__.py` (how ruff
finds packages). And with the policy the repo's ruff configuration implies, the fixed tree passes
that ruff: no TID252 left."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import replace
from typing import Dict, List, Optional, Set, Tuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruff.__main__ import find_ruff_bin

from monorepo_hygiene.imports import ABSOLUTE, RELATIVE_WITHIN_BUILD, ImportFacts, check_files
from monorepo_hygiene.imports.ruff_policy import resolve_policy, ruff_import_rule
from monorepo_hygiene.ruff_config import CONFIG_FILE_NAMES, read_ruff_config
from tests.monorepo_hygiene.ruff_json import ruff_findings
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


# The repo's own ruff configurations the suite must agree with: TID252 with each
# `ban-relative-imports`, and one with a per-file-ignore where the policy stays any-depth.
_REPO_CONFIGS = (
    '[lint]\nextend-select = ["TID252"]\n',
    '[lint]\nselect = ["TID"]\n[lint.flake8-tidy-imports]\nban-relative-imports = "all"\n',
    '[lint]\nextend-select = ["TID252"]\n[lint.per-file-ignores]\n"src/hyp_beta/**" = ["TID252"]\n',
)


def _facts_following_ruff(root: str, tree: PackageTree) -> ImportFacts:
    """The tree's facts with each file's policy as the adapter resolves it from the repo's ruff
    configuration (the suite's default policy, nothing set explicitly)."""
    files: Dict[str, Optional[bytes]] = {}
    for name in CONFIG_FILE_NAMES:
        path = os.path.join(root, name)
        files[name] = None
        if os.path.exists(path):
            with open(path, "rb") as config_file:
                files[name] = config_file.read()
    config = read_ruff_config(files)
    facts = tree.facts(RELATIVE_WITHIN_BUILD)
    return ImportFacts(
        files={
            path: replace(
                file_facts,
                policy=resolve_policy(
                    RELATIVE_WITHIN_BUILD, None, ruff_import_rule(config, path)
                )[0],
            )
            for path, file_facts in facts.files.items()
        },
        module_owners=facts.module_owners,
    )


def _tid252(root: str) -> Set[Tuple[str, int]]:
    findings = ruff_findings(root, "src")
    assert findings is not None, "ruff refused the configuration"
    return {
        (os.path.relpath(item["filename"], root), item["location"]["row"])
        for item in findings
        if item["code"] == "TID252"
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), config=st.sampled_from(_REPO_CONFIGS))
def test_fixing_with_the_policy_ruff_implies_leaves_no_tid252(
    data: st.DataObject, config: str
) -> None:
    tree: PackageTree = data.draw(package_trees())
    modules = sorted(tree.modules)
    targets = sorted({*tree.modules, *tree.namespace_packages})
    bodies = {
        importer: "".join(
            f"{data.draw(import_statements(tree, importer, f'n{i}', targets))}\n"
            for i in range(data.draw(st.integers(0, 3)))
        )
        for importer in modules
    }
    with tempfile.TemporaryDirectory() as root:
        write_tree(root, tree, bodies)
        with open(os.path.join(root, "ruff.toml"), "w", encoding="utf-8") as ruff_toml:
            ruff_toml.write(config)
        facts = _facts_following_ruff(root, tree)
        fixed = check_files(read_tree(root, tree), facts, fix=True)
        assert not any(finding.fixable for finding in fixed.findings)
        for path, content in fixed.fixed.items():
            with open(os.path.join(root, path), "wb") as module_file:
                module_file.write(content)
        assert _tid252(root) == set()
        # And it is a fixed point: fixing again changes nothing.
        assert check_files(read_tree(root, tree), facts, fix=True).fixed == {}
