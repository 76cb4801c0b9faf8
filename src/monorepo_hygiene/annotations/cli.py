"""`python -m monorepo_hygiene.annotations [--fix] [--select HA101,HA102,HA103]
[--allow-init-without-return] [--cache-dir DIR] FILE...`

Paths are relative to the working directory; with HA103, each file sees the `conftest.py` files
of its directory and those above it, up to the working directory. Prints one JSON object to stdout:
`{"findings": [Finding.to_json(), ...], "fixed": [path, ...]}` (with `--fix`, the findings that
remain after fixing). A check with `--cache-dir` reuses the results of files it has seen
unchanged (`monorepo_hygiene.result_cache`): the JSON says how many in `"reused"`, and why the
cache was left unused, if it was, in `"cache_note"`. Exits 0 whatever was found: the caller
decides what fails; 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import FrozenSet, Optional, Sequence

from ..files import write_atomically
from ..result_cache import add_cache_dir_argument, cache_stats, open_for_arguments
from ..source import allows_deep_nesting
from .batch import cache_scope, check_files, fix_files
from .codes import RULE_CODES
from .options import DEFAULT_OPTIONS, AnnotationOptions


@allows_deep_nesting
def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    options = AnnotationOptions(
        select=args.select, allow_init_without_return=args.allow_init_without_return
    )
    cache = open_for_arguments(parser, args, "annotations", cache_scope(options))
    if args.fix:
        result = fix_files(args.files, _read, write_atomically, options)
    else:
        result = check_files(args.files, _read, options, cache)
        cache.save()
    findings = sorted(result.findings + result.errors)
    json.dump(
        {
            "findings": [finding.to_json() for finding in findings],
            "fixed": list(result.fixed),
            **cache_stats(cache),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m monorepo_hygiene.annotations",
        description="Report functions without return (and parameter) annotations.",
    )
    parser.add_argument(
        "--fix",
        action="store_true",
        help="add `-> None` and fixture types where provably right, in place",
    )
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
    add_cache_dir_argument(parser)
    parser.add_argument("files", nargs="*", metavar="FILE")
    return parser


def _codes(text: str) -> FrozenSet[str]:
    codes = frozenset(code.strip().upper() for code in text.split(",") if code.strip())
    unknown = sorted(codes - RULE_CODES)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown code(s): {', '.join(unknown)}")
    return codes


def _read(path: str) -> bytes:
    return Path(path).read_bytes()
