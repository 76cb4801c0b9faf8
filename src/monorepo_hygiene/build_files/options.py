"""The options that shape the missing-BUILD-file lint: where BUILD files live (policies per path
prefix), which targets own Python files, what counts as a test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

SUBTREE = "subtree"
PER_DIRECTORY = "per-directory"
# Paths under an `ignore` prefix are not checked at all (scripts, vendored code, ...).
IGNORE = "ignore"
POLICIES = (SUBTREE, PER_DIRECTORY, IGNORE)

DEFAULT_PYTHON_TARGET_ALIASES = (
    "python_sources",
    "python_tests",
    "python_test_utils",
    "python_source",
    "python_test",
)


def _validate_policy(policy: str, where: str) -> None:
    if policy not in POLICIES:
        raise ValueError(
            f"unknown BUILD file policy `{policy}` for {where}; "
            f"expected one of {', '.join(POLICIES)}"
        )


@dataclass(frozen=True)
class PolicyRule:
    """Where BUILD files live under `prefix`, a directory path (`src/` and `src` are the same)."""

    prefix: str
    policy: str

    def __post_init__(self) -> None:
        _validate_policy(self.policy, f"`{self.prefix}`")


@dataclass(frozen=True)
class BuildFileOptions:
    # The longest matching prefix wins; paths matching none get `default_policy`.
    policies: Tuple[PolicyRule, ...] = (
        PolicyRule("src/", SUBTREE),
        PolicyRule("tests/", PER_DIRECTORY),
    )
    default_policy: str = PER_DIRECTORY
    # The full list of aliases whose ownership counts (pass the defaults plus the user's own).
    python_target_aliases: Tuple[str, ...] = DEFAULT_PYTHON_TARGET_ALIASES
    # Basename patterns of test modules.
    test_file_globs: Tuple[str, ...] = ("test_*.py", "*_test.py")
    ignore_empty_init: bool = True
    build_file_name: str = "BUILD"

    def __post_init__(self) -> None:
        _validate_policy(self.default_policy, "paths matching no prefix")


DEFAULT_OPTIONS = BuildFileOptions()
