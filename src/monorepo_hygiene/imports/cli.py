"""`python -m monorepo_hygiene.imports [--fix | --write-fixes OUT] [--cache-dir DIR]
--facts FACTS.json FILE...`

Checks (with `--fix`: fixes in place, then checks) the given files, paths relative to the
working directory and spelled as in the facts' `files` (format: `monorepo_hygiene.imports.facts`).
Output, modes and exit codes: the file checkers' shared command line
(`monorepo_hygiene.file_checker.CommandLine.main`); unreadable facts exit 2 too. A command line
dispatching to several checkers calls `main(argv)` and exits with what it returns.
"""

from __future__ import annotations

import argparse
import json
from typing import Optional, Sequence, Union

from ..file_checker import CommandLine
from ..source import allows_deep_nesting
from .batch import ImportRule, cache_scope
from .facts import FactsError, ImportFacts


@allows_deep_nesting
def main(argv: Optional[Sequence[str]] = None) -> int:
    return _COMMAND_LINE.main(argv)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--facts",
        required=True,
        help="ownership facts JSON (format: monorepo_hygiene.imports.facts)",
    )


def _rule(args: argparse.Namespace) -> Union[ImportRule, str]:
    try:
        with open(args.facts, "rb") as facts_file:
            facts = ImportFacts.from_json(json.load(facts_file))
    except (OSError, ValueError) as e:  # FactsError and JSONDecodeError are ValueErrors.
        reason = e if isinstance(e, FactsError) else f"{type(e).__name__}: {e}"
        return f"Cannot read the import facts `{args.facts}`: {reason}"

    def read(path: str) -> bytes:
        with open(path, "rb") as init_file:
            return init_file.read()

    return ImportRule(facts, read)


_COMMAND_LINE = CommandLine(
    checker="imports",
    description="Relative imports within a BUILD file's subtree, absolute ones across.",
    add_arguments=_add_arguments,
    make_rule=_rule,
    cache_scope=lambda rule: cache_scope(rule.facts),
    fix_help="rewrite fixable imports in place",
)
