"""`python -m monorepo_hygiene.annotations [--fix | --write-fixes OUT] [--select HA101,HA102,HA103]
[--allow-init-without-return] [--cache-dir DIR] FILE...`

Paths are relative to the working directory; with HA103, each file sees the `conftest.py` files
of its directory and those above it, up to the working directory. Output, modes and exit codes:
the file checkers' shared command line (`monorepo_hygiene.file_checker.CommandLine.main`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import FrozenSet, Optional, Sequence

from ..file_checker import CommandLine
from ..source import allows_deep_nesting
from .batch import AnnotationRule, cache_scope
from .codes import RULE_CODES
from .options import DEFAULT_OPTIONS, AnnotationOptions


@allows_deep_nesting
def main(argv: Optional[Sequence[str]] = None) -> int:
    return _COMMAND_LINE.main(argv)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--select",
        type=_codes,
        default=DEFAULT_OPTIONS.select,
        help=f"comma-separated codes to report, from {','.join(sorted(RULE_CODES))} "
        f"(default: {','.join(sorted(DEFAULT_OPTIONS.select))})",
    )
    parser.add_argument(
        "--allow-init-without-return",
        action="store_true",
        help="let `__init__` omit `-> None` when it has an annotated parameter (mypy's rule)",
    )


def _codes(text: str) -> FrozenSet[str]:
    codes = frozenset(code.strip().upper() for code in text.split(",") if code.strip())
    unknown = sorted(codes - RULE_CODES)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown code(s): {', '.join(unknown)}")
    return codes


def _rule(args: argparse.Namespace) -> AnnotationRule:
    options = AnnotationOptions(
        select=args.select, allow_init_without_return=args.allow_init_without_return
    )
    return AnnotationRule(options, lambda path: Path(path).read_bytes())


_COMMAND_LINE = CommandLine(
    checker="annotations",
    description="Report functions without return (and parameter) annotations.",
    add_arguments=_add_arguments,
    make_rule=_rule,
    cache_scope=lambda rule: cache_scope(rule.options),
    fix_help="add `-> None` and fixture types where provably right, in place",
)
