"""The checkers' default lockfiles, read by the very Pex a supported Pants runs: this test runs
once per Pex release (one resolve each), and checks the lockfile that the Pants releases
shipping that Pex read resolves for every CPython its constraints allow (3.9-3.13), on Linux and
macOS. The lockfile Pex 2.1.137 made (Pants 2.17's `generate-lockfiles`) failed this on 3.13:
it lacked libcst's 3.13 dependency and 3.13 wheels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

import pex.version
import pytest

DATA = json.loads(Path("tests/pants_hygiene/compat/pants_api.json").read_text())
PEX_VERSION = f"v{pex.version.__version__}"
RELEASES = sorted(tag for tag, shipped in DATA["pex_versions"].items() if shipped == PEX_VERSION)
TOOL_DIR = Path("pants-plugins/pants_hygiene/tool")
CPYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
PLATFORMS = ("manylinux_2_28_x86_64", "macosx_11_0_arm64")


def lockfile_read_by(tag: str) -> Path:
    """As tools/tool_lockfile.py's, which this resolve can't import: pip 23.1.2's before 2.23."""
    minor = int(tag[len("release_") :].split(".")[1])
    return TOOL_DIR / ("hygiene_tool.lock" if minor >= 23 else "hygiene_tool_pip23.lock")


def pex_json(lockfile: Path, scratch: Path) -> Path:
    # As Pants hands it to Pex: without its `//` header.
    stripped = scratch / lockfile.name
    lines = lockfile.read_text().splitlines()
    stripped.write_text("\n".join(line for line in lines if not line.startswith("//")))
    return stripped


def test_this_pex_is_the_one_checked_releases_run() -> None:
    assert RELEASES, f"no checked release runs Pex {PEX_VERSION}"


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("cpython", CPYTHONS)
def test_the_lockfile_resolves_for_every_allowed_cpython(
    cpython: str, platform: str, tmp_path: Path
) -> None:
    tag = cpython.replace(".", "")
    failures: List[str] = []
    for lockfile in sorted({lockfile_read_by(release) for release in RELEASES}):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pex.cli",
                "lock",
                "export",
                f"--platform={platform}-cp-{tag}-cp{tag}",
                str(pex_json(lockfile, tmp_path)),
            ],
            capture_output=True,
            text=True,
            env={"PIP_CONFIG_FILE": "/dev/null", "PATH": "/usr/bin:/bin"},
            check=False,
        )
        if result.returncode != 0 or "libcst==" not in result.stdout:
            failures.append(f"{lockfile} for cp{tag} {platform}: {result.stderr}")
    assert failures == []
