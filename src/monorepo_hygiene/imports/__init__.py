"""The BUILD-file-aware import style rule: relative imports within a BUILD file's subtree,
absolute imports across subtrees, for third-party packages and for the standard library.

The build tool supplies who owns what (`ImportFacts`); this package parses, judges (`check`),
fixes (`fix`, libcst loaded only when a file has a fixable finding) and runs batches (`batch`).
Codes and their documentation: `codes.RULE_DOCS`. Command line: `cli`.
"""

from __future__ import annotations

from .batch import BatchResult, check_files
from .codes import RULE_DOCS
from .errors import FactsError, ImportRuleError
from .facts import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
    FileFacts,
    ImportFacts,
)
from .fix import check_source, fix_source
from .owners import ModuleOwners

__all__ = [
    "ABSOLUTE",
    "RELATIVE_WITHIN_BUILD",
    "RELATIVE_WITHIN_BUILD_NO_PARENTS",
    "RULE_DOCS",
    "BatchResult",
    "FactsError",
    "FileFacts",
    "ImportFacts",
    "ImportRuleError",
    "ModuleOwners",
    "check_files",
    "check_source",
    "fix_source",
]
