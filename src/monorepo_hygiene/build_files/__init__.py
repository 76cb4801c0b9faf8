"""The missing-BUILD-file lint (HB1xx) and the BUILD file writer, over facts gathered by Pants.

`check_build_files` reports Python files no Python target owns, files owned by the wrong kind of
target, directories missing the BUILD file their policy asks for, nested and stale BUILD files.
`plan_build_files` writes the missing BUILD files (or appends missing target kinds) in the repo's
BUILD style. See layout.py for how package roots are found under the `subtree` policy.
"""

from __future__ import annotations

from .check import SubjectFinding, check_build_file_subjects, check_build_files
from .codes import RULE_DOCS
from .facts import GlobFacts, RepoFacts, TargetFacts
from .options import (
    DEFAULT_OPTIONS,
    DEFAULT_PYTHON_TARGET_ALIASES,
    IGNORE,
    PER_DIRECTORY,
    SUBTREE,
    BuildFileOptions,
    PolicyRule,
)
from .fix import BuildFileEdit, plan_build_files, simulate_plan
from .style import BuildStyle, detect_build_style

__all__ = [
    "DEFAULT_OPTIONS",
    "DEFAULT_PYTHON_TARGET_ALIASES",
    "IGNORE",
    "PER_DIRECTORY",
    "RULE_DOCS",
    "SubjectFinding",
    "SUBTREE",
    "BuildFileEdit",
    "BuildFileOptions",
    "BuildStyle",
    "GlobFacts",
    "PolicyRule",
    "RepoFacts",
    "TargetFacts",
    "check_build_file_subjects",
    "check_build_files",
    "detect_build_style",
    "plan_build_files",
    "simulate_plan",
]
