"""The checkers' default lockfiles, as every supported Pants reads them.

    python3 tools/tool_lockfile.py generate --pex3 <pex3 of Pex >= 2.16.2>
    python3 tools/tool_lockfile.py write-metadata

`generate` locks `[hygiene-tool]`'s requirement for CPython 3.9-3.13 twice, with the same pins:
`hygiene_tool.lock` with pip 24.2, which Pants 2.23+ read (their Pex installs it on 3.9-3.13),
and `hygiene_tool_pip23.lock` with pip 23.1.2, the newest pip the Pex of Pants 2.17-2.22 knows
(it refuses CPython 3.12+, so there the checkers run on 3.11 at most). Pants 2.17's own
`generate-lockfiles` can't make them: its Pex 2.1.137 knows no CPython after 3.12, so its lock
lacks the 3.13 wheels (and libcst 1.8+'s `pyyaml-ft` on 3.13), and no pip it knows runs on 3.12+.

Both carry Pants' metadata header and, beside them, a `.metadata` sidecar with the same JSON
(`write-metadata`, which `generate` runs): Pants 2.30+ read the sidecar of a lockfile shipped as
a resource, 2.32+ fail without it (`load_lockfile` reads `<lockfile>.metadata` and no longer
catches `FileNotFoundError`); 2.17-2.29 read the header. tests/pants_hygiene/compat/lockfile_test.py
fails while they disagree.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Dict, Tuple

TOOL_DIR = Path("pants-plugins/pants_hygiene/tool")
REQUIREMENT = "libcst>=1.1,<2"
INTERPRETER_CONSTRAINT = "CPython<3.14,>=3.9"
# Lockfile -> the pip version it is locked with (see the module docstring).
LOCKFILES = {
    TOOL_DIR / "hygiene_tool.lock": "24.2",
    TOOL_DIR / "hygiene_tool_pip23.lock": "23.1.2",
}
# The first release whose Pex (2.16.2) knows pip 24.2, which reads `hygiene_tool.lock`.
PIP24_FROM = (2, 23)
BEGIN_HEADER = "// --- BEGIN PANTS LOCKFILE METADATA: DO NOT EDIT OR REMOVE ---"
END_HEADER = "// --- END PANTS LOCKFILE METADATA ---"
# What Pants 2.17 wrote for this resolve (`PythonLockfileMetadataV3`), which every release reads.
HEADER_METADATA: Dict[str, Any] = {
    "version": 3,
    "valid_for_interpreter_constraints": [INTERPRETER_CONSTRAINT],
    "generated_with_requirements": ["libcst<2,>=1.1"],
    "manylinux": "manylinux2014",
    "requirement_constraints": [],
    "only_binary": [],
    "no_binary": [],
}


def lockfile_read_by(release: Tuple[int, int]) -> Path:
    """The default lockfile Pants `release` ((major, minor)) reads, as `DEFAULT_LOCKFILE` in
    pants_hygiene/tool/subsystem.py chooses it."""
    return TOOL_DIR / ("hygiene_tool.lock" if release >= PIP24_FROM else "hygiene_tool_pip23.lock")


def metadata_path(lockfile: Path) -> Path:
    return lockfile.with_name(f"{lockfile.name}.metadata")


def header_metadata(lockfile_text: str) -> Dict[str, Any]:
    """The JSON of a Pex lockfile's Pants header (the `// ` lines between its markers)."""
    lines = lockfile_text.splitlines()
    start, end = lines.index(BEGIN_HEADER), lines.index(END_HEADER)
    metadata: Dict[str, Any] = json.loads("\n".join(line[3:] for line in lines[start + 1 : end]))
    return metadata


def sidecar_text(lockfile_text: str) -> str:
    return json.dumps(header_metadata(lockfile_text), indent=2) + "\n"


def write_metadata(lockfile: Path) -> None:
    metadata_path(lockfile).write_text(sidecar_text(lockfile.read_text()))


def _header(pip_version: str) -> str:
    metadata_lines = json.dumps(HEADER_METADATA, indent=2).splitlines()
    return "\n".join(
        [
            "// The checkers' default lockfile (pip " + pip_version + "); to regenerate, run:",
            "//",
            "//    python3 tools/tool_lockfile.py generate --pex3 <pex3 of Pex >= 2.16.2>",
            "//",
            BEGIN_HEADER,
            *(f"// {line}" for line in metadata_lines),
            END_HEADER,
            "",
            "",
        ]
    )


def generate(pex3: str, lockfile: Path, pip_version: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch, "lock.json")
        subprocess.run(
            [
                pex3,
                "lock",
                "create",
                "--style=universal",
                "--resolver-version=pip-2020-resolver",
                f"--pip-version={pip_version}",
                "--target-system=linux",
                "--target-system=mac",
                f"--interpreter-constraint={INTERPRETER_CONSTRAINT}",
                "--indent=2",
                f"--output={output}",
                REQUIREMENT,
            ],
            check=True,
            # A machine-wide pip config (a `constraint` file) must not shape the lock.
            env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
        )
        lockfile.write_text(_header(pip_version) + output.read_text())
    write_metadata(lockfile)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["generate", "write-metadata"])
    parser.add_argument("--pex3", help="the `pex3` of a Pex >= 2.16.2 (`generate`)")
    args = parser.parse_args()
    for lockfile, pip_version in LOCKFILES.items():
        if args.command == "generate":
            if not args.pex3:
                parser.error("`generate` needs --pex3")
            generate(args.pex3, lockfile, pip_version)
        else:
            write_metadata(lockfile)


if __name__ == "__main__":
    main()
