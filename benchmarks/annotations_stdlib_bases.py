"""Benchmark (issue 24 item 6): the `-> None` fix with vetted stdlib bases seen, on homeassistant.

    PYTHONPATH=.:src python benchmarks/annotations_stdlib_bases.py [--wheel WHEEL] [--json OUT]

Unpacks the homeassistant 2024.3.3 wheel (6,725 files; `monorepo_scale.py` downloads it into
`~/.cache/hygiene-benchmarks`), runs the core's check and fix on every file as the checker does,
and prints: fixable HA101 findings, files changed, methods of module-level classes given
`-> None`, and the repo-wide override scan over the fixed tree (`override_scan`: overrides of a
fixed method in any file, and those returning something other than None). Then every fixed file
goes through `python -m compileall`. Run it on this checkout and on one before the change
(`PYTHONPATH=.:<old>/src`) and compare; `--json` keeps the fixed methods for that. ruff is run by
hand on the kept tree (`--keep`), before and after.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from monorepo_hygiene.annotations.check import check_source
from monorepo_hygiene.annotations.fix import fix_source
from monorepo_hygiene.source import SourceError
from tests.monorepo_hygiene.annotations.override_scan import (
    Tree,
    conflicts,
    fixed_methods,
    module_name,
    overrides,
)

WHEEL = Path.home() / ".cache" / "hygiene-benchmarks" / "homeassistant-2024.3.3-py3-none-any.whl"


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, default=WHEEL)
    parser.add_argument("--json", type=Path, help="write the counts and fixed methods here")
    parser.add_argument("--keep", type=Path, help="unpack and fix here instead of a temp dir")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        root = args.keep or Path(temp)
        with zipfile.ZipFile(args.wheel) as wheel:
            wheel.extractall(root, [n for n in wheel.namelist() if n.startswith("homeassistant/")])
        paths = sorted((root / "homeassistant").rglob("*.py"))
        fixable = changed = unreadable = 0
        fixed: List[Tuple[str, str, str]] = []
        for path in paths:
            content = path.read_bytes()
            try:
                fixable += sum(finding.fixable for finding in check_source(str(path), content))
                after = fix_source(str(path), content)
            except SourceError:
                unreadable += 1
                continue
            if after is None:
                continue
            path.write_bytes(after)
            changed += 1
            module = module_name(root, path)
            methods = fixed_methods(ast.parse(content), ast.parse(after))
            fixed += [(module, cls, method) for cls, method in sorted(methods)]
        tree = Tree(root, paths)
        found = overrides(tree, fixed)
        conflicting = conflicts(tree, found)
        compiled = subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(root / "homeassistant")],
            capture_output=True,
            text=True,
        )
    overridden = len({(override.base, override.method) for override in found})
    print(f"files: {len(paths)}, unreadable: {unreadable}")
    print(f"fixable HA101: {fixable}, files changed: {changed}, methods fixed: {len(fixed)}")
    print(f"fixed methods overridden in the tree: {overridden} ({len(found)} overrides)")
    print(f"overrides returning something other than None: {len(conflicting)}")
    for override in conflicting:
        print(f"  {override}")
    print(f"compileall: exit {compiled.returncode} {compiled.stdout[-500:]}")
    if args.json:
        report = {"fixable": fixable, "changed": changed, "fixed_methods": fixed}
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
