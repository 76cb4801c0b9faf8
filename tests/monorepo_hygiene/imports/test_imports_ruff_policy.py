"""The policy follows the repo's ruff (TID252 and `ban-relative-imports`), and an explicit
policy that contradicts it is kept but reported, naming both settings."""

from __future__ import annotations

from typing import Dict, Optional

import pytest

from monorepo_hygiene.imports import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
)
from monorepo_hygiene.imports.ruff_policy import resolve_policy, ruff_import_rule
from monorepo_hygiene.ruff_config import RuffConfig, read_ruff_config

PYPROJECT = b"""[project]
name = "shop"

[tool.ruff.lint]
extend-select = ["TID252"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["TID"]
"""


def _config(pyproject: bytes) -> RuffConfig:
    files: Dict[str, Optional[bytes]] = {".ruff.toml": None, "ruff.toml": None}
    return read_ruff_config({**files, "pyproject.toml": pyproject})


def test_default_policy_follows_ruffs_parents() -> None:
    rule = ruff_import_rule(_config(PYPROJECT), "src/shop/models/user.py")
    assert rule is not None
    assert resolve_policy(RELATIVE_WITHIN_BUILD, None, rule) == (
        RELATIVE_WITHIN_BUILD_NO_PARENTS,
        None,
    )
    assert resolve_policy(ABSOLUTE, None, rule) == (ABSOLUTE, None)
    # Where ruff's per-file-ignores turn TID252 off, the policy stays.
    assert ruff_import_rule(_config(PYPROJECT), "tests/shop/test_user.py") is None


def test_default_policy_follows_ruffs_all() -> None:
    pyproject = PYPROJECT + b'\n[tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = "all"\n'
    rule = ruff_import_rule(_config(pyproject), "src/shop/models/user.py")
    for policy in (RELATIVE_WITHIN_BUILD, RELATIVE_WITHIN_BUILD_NO_PARENTS):
        assert resolve_policy(policy, None, rule) == (ABSOLUTE, None)


def test_no_tid252_no_change() -> None:
    rule = ruff_import_rule(_config(b"[tool.ruff.lint]\nselect = ['E', 'F']\n"), "src/a.py")
    assert rule is None
    assert resolve_policy(RELATIVE_WITHIN_BUILD, None, rule) == (RELATIVE_WITHIN_BUILD, None)


def test_an_explicit_contradiction_is_kept_and_reported_with_both_settings() -> None:
    rule = ruff_import_rule(_config(PYPROJECT), "src/shop/models/user.py")
    setting = '`[hygiene-imports].policy = "relative-within-build"` (pants.toml:12)'
    policy, conflict = resolve_policy(RELATIVE_WITHIN_BUILD, setting, rule)
    assert policy == RELATIVE_WITHIN_BUILD
    assert conflict is not None
    assert conflict.message() == (
        '`[hygiene-imports].policy = "relative-within-build"` (pants.toml:12) asks for relative '
        "imports from parent packages (`from ..x`), which ruff's TID252 with "
        '`ban-relative-imports = "parents"` (TID252 selected by `lint.extend-select` '
        "(pyproject.toml:5); `lint.flake8-tidy-imports.ban-relative-imports` unset: ruff's "
        "default) reports. The explicit setting is obeyed, so `pants fix` writes imports ruff "
        'rejects: set `"relative-within-build-no-parents"` (or remove the setting, to follow '
        "ruff), or change ruff's."
    )


@pytest.mark.parametrize("policy", [ABSOLUTE, RELATIVE_WITHIN_BUILD_NO_PARENTS])
def test_an_explicit_policy_ruff_accepts_is_no_conflict(policy: str) -> None:
    rule = ruff_import_rule(_config(PYPROJECT), "src/shop/models/user.py")
    assert resolve_policy(policy, "`import_policy` of src/shop", rule) == (policy, None)
