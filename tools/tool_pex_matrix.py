"""The checkers as newer Pants builds them: one PEX per (Pex release, CPython), from the default
lockfile the Pants releases shipping that Pex read, run on a corpus, findings compared.

    python3 -m tools.tool_pex_matrix --corpus <dir of .py files> \\
        --pex 2.1.137='python3.11 /path/to/pex-2.1.137.pex' --pex 2.16.2=/venv/bin/pex ...
        [--reference-lockfile <old lockfile>]

For every CPython 3.9-3.13 in pyenv, every given Pex builds the checkers' PEX the way Pants does
(`--lock <lockfile>` plus the core's sources, entry point `monorepo_hygiene`), unless that
Pex/pip can't run there, which is reported. Each PEX runs the annotations checker (HA101, HA102)
on the corpus, then its `--fix` on a copy; the findings and the fixed files' bytes must equal
the reference run's: Pex 2.1.137 on CPython 3.11 with `--reference-lockfile` (the lockfile
before this one, if given) or with its own. It needs the network (PyPI) for the wheels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .tool_lockfile import lockfile_read_by

CPYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
# The Pants release whose default lockfile each Pex reads (the oldest release shipping it).
PEX_RELEASES = {"2.1.137": (2, 17), "2.16.2": (2, 23), "2.95.1": (2, 32)}


def pyenv_python(version: str) -> Optional[Path]:
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"), "versions")
    found = sorted(root.glob(f"{version}.*/bin/python{version}"))
    return found[-1] if found else None


def stripped_lockfile(lockfile: Path, scratch: Path) -> Path:
    path = scratch / f"{lockfile.name}.json"
    lines = lockfile.read_text().splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("//")))
    return path


def build(pex: List[str], lockfile: Path, python: Path, output: Path) -> Optional[str]:
    """Builds the checkers' PEX; the error's last line when this Pex/pip can't."""
    result = subprocess.run(
        [
            *pex,
            "--lock",
            str(lockfile),
            "libcst>=1.1,<2",
            "--python",
            str(python),
            "-D",
            "src",
            "-m",
            "monorepo_hygiene",
            "-o",
            str(output),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
        check=False,
    )
    if result.returncode == 0:
        return None
    return (result.stderr.strip().splitlines() or ["(no message)"])[-1]


def run_checkers(python: Path, checkers_pex: Path, corpus: Path, scratch: Path) -> Tuple[str, str]:
    """(findings of the check, digest of the files `--fix` wrote)."""
    files = sorted(str(path) for path in corpus.rglob("*.py"))
    check = subprocess.run(
        [str(python), str(checkers_pex), "annotations", "--select=HA101,HA102", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    copy = scratch / "fixed"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(corpus, copy)
    fixed_files = sorted(str(path) for path in copy.rglob("*.py"))
    subprocess.run(
        [str(python), str(checkers_pex), "annotations", "--select=HA101,HA102", "--fix"]
        + fixed_files,
        capture_output=True,
        check=False,
    )
    digest = hashlib.sha256()
    for path in sorted(copy.rglob("*.py")):
        digest.update(path.relative_to(copy).as_posix().encode() + b"\0" + path.read_bytes())
    return check.stdout, digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--pex", action="append", required=True, help="VERSION=COMMAND")
    parser.add_argument("--reference-lockfile", type=Path)
    args = parser.parse_args()
    pexes: Dict[str, List[str]] = {
        version: shlex.split(command)
        for version, command in (item.split("=", 1) for item in args.pex)
    }
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        reference_python = pyenv_python("3.11")
        assert reference_python is not None, "the reference run needs CPython 3.11"
        reference_lock = stripped_lockfile(
            args.reference_lockfile or lockfile_read_by(PEX_RELEASES["2.1.137"]), scratch
        )
        error = build(pexes["2.1.137"], reference_lock, reference_python, scratch / "ref.pex")
        assert error is None, error
        reference = run_checkers(reference_python, scratch / "ref.pex", args.corpus, scratch)
        findings = len(json.loads(reference[0])["findings"])
        print(f"reference: Pex 2.1.137, CPython 3.11, {findings} findings")
        print("| Pex | lockfile | CPython | result |\n|---|---|---|---|")
        for version, pex in pexes.items():
            lockfile = lockfile_read_by(PEX_RELEASES[version])
            for cpython in CPYTHONS:
                python = pyenv_python(cpython)
                if python is None:
                    print(f"| {version} | {lockfile.name} | {cpython} | not on this machine |")
                    continue
                output = scratch / f"{version}-{cpython}.pex"
                error = build(pex, stripped_lockfile(lockfile, scratch), python, output)
                if error is not None:
                    print(f"| {version} | {lockfile.name} | {cpython} | can't build: {error} |")
                    continue
                same = run_checkers(python, output, args.corpus, scratch) == reference
                verdict = "same findings and fixes" if same else "DIFFERENT"
                print(f"| {version} | {lockfile.name} | {cpython} | built; {verdict} |")


if __name__ == "__main__":
    main()
