"""The BUILD-file-aware import style rule: relative imports within a BUILD file's subtree,
absolute imports across subtrees, for third-party packages and for the standard library.

The build tool supplies who owns what (`ImportFacts`); this package parses, judges and fixes.
Codes and their documentation: `RULE_DOCS`. Command line: `monorepo_hygiene.imports.cli`.
"""

from __future__ import annotations

from .codes import RULE_DOCS
from .engine import CheckResult, check_files, check_source, fix_source
from .errors import FactsError, ImportRuleError
from .facts import ABSOLUTE, RELATIVE_WITHIN_BUILD, FileFacts, ImportFacts
from .owners import ModuleOwners

__all__ = [
    "ABSOLUTE",
    "RELATIVE_WITHIN_BUILD",
    "RULE_DOCS",
    "CheckResult",
    "FactsError",
    "FileFacts",
    "ImportFacts",
    "ImportRuleError",
    "ModuleOwners",
    "check_files",
    "check_source",
    "fix_source",
]
