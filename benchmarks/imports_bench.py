"""How much checking imports costs over bare `ast.parse`, on a real corpus: the standard library.

    PYTHONPATH=src python benchmarks/imports_bench.py [--root DIR] [--repeat N] [--fix-files N]

Every top-level package of the corpus gets one BUILD file owning its whole subtree (the
`python_sources(sources=["**/*.py"])` layout; `--per-directory` gives every directory its own),
and every file is checked with the `relative-within-build` policy. Prints the time of bare
`ast.parse` over the files' bytes, of `check_files` over the same bytes (decoding, parsing,
judging, findings), their ratio (goal: <= 1.3), and what fixing costs (libcst) on the files
that get a fix.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import sysconfig
import time
import warnings
from typing import Callable, Dict, List

from monorepo_hygiene.imports import ABSOLUTE, FileFacts, ImportFacts, check_files


def load_corpus(root: str, per_directory: bool) -> ImportFacts:
    files: Dict[str, FileFacts] = {}
    for directory, subdirectories, filenames in os.walk(root):
        # Third-party code isn't part of the corpus; non-identifier directories aren't packages.
        subdirectories[:] = sorted(
            d for d in subdirectories if d.isidentifier() and d != "site-packages"
        )
        relative_directory = os.path.relpath(directory, root)
        package_parts = [] if relative_directory == "." else relative_directory.split(os.sep)
        for filename in sorted(filenames):
            stem, extension = os.path.splitext(filename)
            if extension != ".py" or not stem.isidentifier():
                continue
            is_package = stem == "__init__"
            module = ".".join(package_parts if is_package else [*package_parts, stem])
            if not module:
                continue
            if per_directory:
                owner_parts = package_parts
            else:
                owner_parts = package_parts[:1]
            files[os.path.join(directory, filename)] = FileFacts(
                module, is_package, "/".join(["Lib", *owner_parts])
            )
    return ImportFacts(files, {facts.module: facts.owner for facts in files.values()})


def best_times(functions: Dict[str, Callable[[], object]], repeat: int) -> Dict[str, float]:
    """The best CPU time of each function, the runs interleaved so load drifts hit all alike."""
    timings: Dict[str, List[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            gc.collect()
            start = time.process_time()
            function()
            timings[name].append(time.process_time() - start)
    return {name: min(times) for name, times in timings.items()}


def bare_parse(contents: Dict[str, bytes]) -> None:
    for content in contents.values():
        try:
            ast.parse(content)
        except (SyntaxError, ValueError):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--per-directory", action="store_true")
    parser.add_argument("--fix-files", type=int, default=200, help="files to fix, at most")
    args = parser.parse_args()

    facts = load_corpus(args.root, args.per_directory)
    contents: Dict[str, bytes] = {}
    for path in facts.files:
        with open(path, "rb") as source_file:
            contents[path] = source_file.read()
    lines = sum(content.count(b"\n") for content in contents.values())
    print(
        f"corpus: {len(contents)} files, {lines} lines, {len(facts.module_owners)} modules "
        f"under {args.root}"
    )

    facts_json = json.dumps(facts.to_json())
    facts_time = best_times(
        {"facts": lambda: ImportFacts.from_json(json.loads(facts_json))}, args.repeat
    )["facts"]
    print(
        f"facts: {len(facts_json) / 1e6:.1f} MB JSON, "
        f"loaded and indexed in {facts_time * 1e3:.0f} ms"
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # Invalid escapes in old test files.
        times = best_times(
            {"parse": lambda: bare_parse(contents), "check": lambda: check_files(contents, facts)},
            args.repeat,
        )
        result = check_files(contents, facts)
    parse_time, check_time = times["parse"], times["check"]
    codes: Dict[str, int] = {}
    for finding in result.findings:
        codes[finding.code] = codes.get(finding.code, 0) + 1
    print(f"bare ast.parse: {parse_time:.2f} s CPU")
    print(f"check_files:    {check_time:.2f} s CPU, findings: {dict(sorted(codes.items()))}")
    print(f"ratio check/parse: {check_time / parse_time:.2f}x (goal <= 1.3x)")

    # Fixing runs libcst, but only on files with a fix: time converting such files both ways.
    fixable: List[str] = sorted({f.path for f in result.findings if f.fixable})[: args.fix_files]
    subset = {path: contents[path] for path in fixable}
    absolute_facts = ImportFacts(
        {
            path: FileFacts(f.module, f.is_package, f.owner, ABSOLUTE)
            for path, f in facts.files.items()
        },
        facts.module_owners,
    )
    start = time.process_time()
    fixed = check_files(subset, facts, fix=True)
    relative_time = time.process_time() - start
    start = time.process_time()
    back = check_files({**subset, **fixed.fixed}, absolute_facts, fix=True)
    absolute_time = time.process_time() - start
    print(
        f"fix, relative-within-build: {len(fixed.fixed)}/{len(subset)} files "
        f"in {relative_time:.2f} s; "
        f"then to absolute: {len(back.fixed)} files in {absolute_time:.2f} s "
        f"({len(subset) / max(absolute_time, 1e-9):.0f} files/s)"
    )


if __name__ == "__main__":
    main()
