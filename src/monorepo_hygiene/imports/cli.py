"""`python -m monorepo_hygiene.imports [--fix | --write-fixes] --facts FACTS.json FILE...`

Checks (with `--fix`: fixes in place, then checks) the given files, paths relative to the
working directory and spelled as in the facts' `files` (format: `monorepo_hygiene.imports.facts`).
Prints one JSON object: `{"findings": [<Finding.to_json()>...], "fixed": [<path>...]}`, findings
sorted, in fix mode only those left after fixing. `--write-fixes` reports the findings of the
files as read, `[*]` and all, and writes the fixes the check made to tell `[*]`: one process
serves a linter and a fixer (the findings left in a fixed file are its findings without `[*]`).
Each fixed file is written atomically; one that can't be written keeps its content and gets an
`HI105` warning, the others are still written.
Exits 0 whenever it could run, findings or not (the caller reads them from the JSON); 2 on bad
arguments or unreadable facts. A command line dispatching to several checkers calls `main(argv)`
and exits with what it returns.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, List, Optional, Sequence

from ..findings import Finding
from ..files import write_atomically
from .batch import check_files
from .check import cannot_check, cannot_fix
from .facts import FactsError, ImportFacts


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m monorepo_hygiene.imports",
        description="Relative imports within a BUILD file's subtree, absolute ones across.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--fix", action="store_true", help="rewrite fixable imports in place")
    mode.add_argument(
        "--write-fixes",
        action="store_true",
        help="report the findings of the files as read, and write the fixes in place",
    )
    parser.add_argument(
        "--facts",
        required=True,
        help="ownership facts JSON (format: monorepo_hygiene.imports.facts)",
    )
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
            unreadable.append(cannot_check(path, 1, 1, f"cannot read it ({e.strerror})"))

    result = check_files(contents, facts, fix=args.fix)
    findings = [*unreadable, *result.findings]
    written: List[str] = []
    to_write = result.fixes if args.write_fixes else result.fixed
    for path, new_content in sorted(to_write.items()):
        try:
            write_atomically(path, new_content)
        except OSError as e:
            # Left unchanged, the file has the findings of the content read.
            findings = [finding for finding in findings if finding.path != path]
            findings.extend(check_files({path: contents[path]}, facts).findings)
            findings.append(cannot_fix(path, 1, 1, f"cannot write it ({e.strerror or e})"))
        else:
            written.append(path)
    json.dump(
        {"findings": [finding.to_json() for finding in sorted(findings)], "fixed": written},
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0
