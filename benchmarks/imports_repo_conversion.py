"""Benchmark: converting a whole repo between import policies with one `./pants fix ::`.

    PYTHONPATH=. python benchmarks/imports_repo_conversion.py [PACKAGE_DIR]

Copies a large package (default: the installed Pants wheel's `pants/`, ~1,000 modules written with
absolute imports) into a temp git repo as `src/<package>/`, owned by one BUILD file, with the
suite from this checkout. Then it times real `./pants` runs: lint, `fix` to the default
`relative-within-build` policy, lint again, and `fix` back to `absolute`, and reports how many
files each step changed and whether the round trip gave back the original files.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

from tests.pants_hygiene.pants_e2e import E2ERepo, PantsRun

BACKENDS = ("pants.backend.python", "pants_hygiene.imports")
# The Pants wheel ./pants installs: ~1,000 modules that import each other absolutely.
PANTS_PACKAGE = Path.home() / (
    ".cache/pants-monorepo-hygiene/pants-2.17.1-pex-2.1.137/venv/lib/python3.9/site-packages/pants"
)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", nargs="?", type=Path, default=PANTS_PACKAGE)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        repo = E2ERepo.create(
            root,
            {f"src/{args.package.name}/BUILD": 'python_sources(sources=["**/*.py"])\n'},
            backends=BACKENDS,
            source_roots=("/src",),
        )
        shutil.copytree(
            args.package,
            root / "src" / args.package.name,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.lock"),
            dirs_exist_ok=True,
        )
        repo.commit_all("corpus")
        files = len(list((root / "src").rglob("*.py")))
        print(f"corpus: {files} Python files from {args.package}")

        steps = [
            ("lint (relative-within-build)", ("lint", "::")),
            ("fix to relative-within-build", ("fix", "::")),
            ("lint again", ("lint", "::")),
            ("fix back to absolute", ("--hygiene-imports-policy=absolute", "fix", "::")),
        ]
        for label, pants_args in steps:
            started = time.perf_counter()
            run = repo.pants(*pants_args)
            seconds = time.perf_counter() - started
            if run.exit_code not in (0, 1):
                raise SystemExit(f"`./pants {' '.join(pants_args)}` failed:\n{run.stderr}")
            changed = len(repo.git("diff", "--name-only").split())
            findings = _findings(run)
            print(
                f"{label:32} {seconds:7.1f} s  exit {run.exit_code}  "
                f"{len(findings):6} findings  {changed:5} files differ from the original"
            )
            if 0 < len(findings) <= 10:
                print("".join(f"    {line}\n" for line in findings), end="")
        print("still different after the round trip:", repo.git("diff", "--stat").strip())
    return 0


def _findings(run: PantsRun) -> Sequence[str]:
    return [line for line in run.stderr.splitlines() if ": HI1" in line]


if __name__ == "__main__":
    raise SystemExit(main())
