"""The ./pants launcher on a machine state of its own: its cache, interpreters, interruptions."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict

LAUNCHER = Path("pants")


def launcher_env(cache: Path, **overrides: str) -> Dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return {**environment, "PANTS_BOOTSTRAP_CACHE": str(cache), **overrides}


def buildroot(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy2(LAUNCHER, root / "pants")
    (root / "pants.toml").write_text('[GLOBAL]\npants_version = "2.17.1"\npantsd = false\n')
    return root


def test_without_python_39_it_says_what_to_install(tmp_path: Path) -> None:
    root = buildroot(tmp_path)
    # A PATH with a shell and its basic tools only: no python3.9 (nor pyenv) to find.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "mkdir", "flock"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    result = subprocess.run(
        ["./pants", "--version"],
        cwd=root,
        env=launcher_env(tmp_path / "cache", PATH=str(bin_dir), PYENV_ROOT="/nonexistent"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Pants 2.17.1 runs only on CPython 3.9, and none was found: install Python 3.9 "
        "(e.g. `pyenv install 3.9` or your OS package python3.9), or point PANTS_PYTHON at one."
    )
    assert not (tmp_path / "cache" / "pants-2.17.1-pex-2.1.137-tomli-2.5.0").exists()


def test_a_killed_first_run_is_redone_not_trusted(tmp_path: Path) -> None:
    root = buildroot(tmp_path)
    cache = tmp_path / "cache"
    bootstrap_dir = cache / "pants-2.17.1-pex-2.1.137-tomli-2.5.0"
    first = subprocess.Popen(
        ["./pants", "--version"],
        cwd=root,
        env=launcher_env(cache),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Kill it while it installs: once the venv exists, pip is at work.
    deadline = time.monotonic() + 120
    while not (bootstrap_dir / "venv" / "bin" / "pip").exists():
        assert first.poll() is None, "the first run ended before it could be interrupted"
        assert time.monotonic() < deadline, "the first run never started installing"
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert not (bootstrap_dir / ".ready").exists()

    second = subprocess.run(
        ["./pants", "--version"], cwd=root, env=launcher_env(cache), capture_output=True, text=True
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "2.17.1"
    assert (bootstrap_dir / ".ready").exists()
    assert "Installing Pants 2.17.1" in second.stderr
