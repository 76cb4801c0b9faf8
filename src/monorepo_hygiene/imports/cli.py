"""`python -m monorepo_hygiene.imports [--fix | --write-fixes OUT] [--cache-dir DIR]
--facts FACTS.json FILE...`

Checks (with `--fix`: fixes in place, then checks) the given files, paths relative to the
working directory and spelled as in the facts' `files` (format: `monorepo_hygiene.imports.facts`).
Prints one JSON object: `{"findings": [<Finding.to_json()>...], "fixed": [<path>...]}`, findings
sorted, in fix mode only those left after fixing. `--write-fixes OUT` reports the findings of
the files as read, `[*]` and all, and writes the fixes the check made to tell `[*]` to
`OUT/<path>`, leaving the files as they are: one process serves a linter and a fixer (the
findings left in a fixed file are its findings without `[*]`), and only fixed files are new
output. `--fix` writes each fixed file atomically. A file whose fix can't be written keeps its
content and gets an `HI105` warning; the others are still written. A check with `--cache-dir`
reuses the results of files it has seen unchanged (`monorepo_hygiene.result_cache`); the JSON
says how many in `"reused"`, and why the cache was left unused, if it was, in `"cache_note"`.
Exits 0 whenever it could run, findings or not (the caller reads them from the JSON); 2 on bad
arguments or unreadable facts. A command line dispatching to several checkers calls `main(argv)`
and exits with what it returns.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Dict, List, Optional, Sequence

from ..findings import Finding
from ..files import write_atomically
from ..result_cache import add_cache_dir_argument, cache_stats, open_for_arguments
from ..source import allows_deep_nesting
from .batch import cache_scope, check_files
from .check import cannot_check
from .facts import FactsError, ImportFacts
from .fix import cannot_fix


@allows_deep_nesting
def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m monorepo_hygiene.imports",
        description="Relative imports within a BUILD file's subtree, absolute ones across.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fix", action="store_true", help="rewrite fixable imports in place")
    mode.add_argument(
        "--write-fixes",
        metavar="OUT",
        help="report the findings of the files as read, and write each fix to OUT/<path>",
    )
    parser.add_argument(
        "--facts",
        required=True,
        help="ownership facts JSON (format: monorepo_hygiene.imports.facts)",
    )
    add_cache_dir_argument(parser)
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)

    try:
        with open(args.facts, "rb") as facts_file:
            facts = ImportFacts.from_json(json.load(facts_file))
    except (OSError, ValueError) as e:  # FactsError and JSONDecodeError are ValueErrors.
        reason = e if isinstance(e, FactsError) else f"{type(e).__name__}: {e}"
        print(f"Cannot read the import facts `{args.facts}`: {reason}", file=sys.stderr)
        return 2

    contents: Dict[str, bytes] = {}
    unreadable: List[Finding] = []
    for path in args.files:
        try:
            with open(path, "rb") as source_file:
                contents[path] = source_file.read()
        except OSError as e:
            unreadable.append(cannot_check(path, 1, 1, f"cannot read it ({e.strerror or e})"))

    cache = open_for_arguments(parser, args, "imports", cache_scope(facts))
    result = check_files(contents, facts, fix=args.fix, cache=cache)
    cache.save()
    findings = [*unreadable, *result.findings]
    written: List[str] = []
    to_write = result.fixes if args.write_fixes is not None else result.fixed
    for path, new_content in sorted(to_write.items()):
        try:
            if args.write_fixes is None:
                write_atomically(path, new_content)
            else:
                _write_new(os.path.join(args.write_fixes, path), new_content)
        except OSError as e:
            # Left unchanged, the file has the findings of the content read.
            findings = [finding for finding in findings if finding.path != path]
            findings.extend(check_files({path: contents[path]}, facts).findings)
            findings.append(cannot_fix(path, 1, 1, f"cannot write it ({e.strerror or e})"))
        else:
            written.append(path)
    json.dump(
        {
            "findings": [finding.to_json() for finding in sorted(findings)],
            "fixed": written,
            **cache_stats(cache),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


def _write_new(path: str, content: bytes) -> None:
    """Write a file of the fixes' output directory, which only the caller reads, once this
    process has exited."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "xb") as new_file:
        new_file.write(content)
