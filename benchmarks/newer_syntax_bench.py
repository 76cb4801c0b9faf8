"""What a file written in syntax newer than the checkers' interpreter costs (issue 26): read with
libcst instead of `ast`. Side by side in one run, on the same files twice: as they are, and with
a PEP 695 function appended (3.12 syntax, which CPython 3.11's `ast` can't read).

    PYTHONPATH=.:src python3.11 benchmarks/newer_syntax_bench.py [--root DIR] [--files N]

Prints the CPU time of bare `ast.parse`, of the imports check (trying each fix, as `pants lint`
does) and of the annotations check, on each form, and their ratios. Run it on CPython 3.11
(Pants 2.17's checkers): on 3.12+ `ast` reads both forms.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import sysconfig
from typing import Dict

from benchmarks.imports_bench import bare_parse, best_times, load_corpus
from monorepo_hygiene.annotations import check_source
from monorepo_hygiene.imports import check_files

NEWER = b"\n\ndef _generic[T](value: T) -> T:\n    return value\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if sys.version_info >= (3, 12):
        sys.exit("run it on CPython 3.11: this interpreter's `ast` reads 3.12 syntax")
    facts = load_corpus(args.root, per_directory=False)
    random.seed(0)  # The same sample on every run.
    paths = sorted(random.sample(sorted(facts.files), min(args.files, len(facts.files))))
    plain: Dict[str, bytes] = {}
    for path in paths:
        with open(path, "rb") as source:
            plain[path] = source.read()
    newer = {path: content + NEWER for path, content in plain.items()}

    def annotations(contents: Dict[str, bytes]) -> None:
        for path, content in contents.items():
            check_source(path, content)

    times = best_times(
        {
            "parse": lambda: bare_parse(plain),
            "imports": lambda: check_files(plain, facts),
            "annotations": lambda: annotations(plain),
            "imports (3.12 syntax)": lambda: check_files(newer, facts),
            "annotations (3.12 syntax)": lambda: annotations(newer),
        },
        args.repeat,
    )
    load = os.getloadavg()[0]
    print(f"{len(plain)} files of {args.root}, CPU s (best of {args.repeat}), load {load:.1f}")
    print("| check | as written | with 3.12 syntax | ratio |\n|---|---|---|---|")
    for check in ("imports", "annotations"):
        old, new = times[check], times[f"{check} (3.12 syntax)"]
        print(f"| {check} | {old:.2f} s | {new:.2f} s | {new / old:.1f}x |")
    print(f"| bare `ast.parse` | {times['parse']:.2f} s | | |")


if __name__ == "__main__":
    main()
