"""End-to-end harness: real `./pants` runs in temp git repos that use the suite from source.

Each temp repo gets the launcher, the plugin and the core library (copied from the test sandbox,
where the `//:suite-files` dependency puts them) and the pants.toml settings the README tells
other repos to use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from tests.pants_hygiene.offline_pants import PANTS_TOML

SUITE_DIR = ".hygiene-suite"
SUITE_SOURCE_DIRS = ("pants-plugins", "src")


@dataclass(frozen=True)
class PantsRun:
    exit_code: int
    stdout: str
    stderr: str


class E2ERepo:
    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def create(
        cls,
        root: Path,
        files: Mapping[str, str],
        *,
        backends: Sequence[str] = ("pants.backend.python",),
        source_roots: Sequence[str] = ("/src", "/"),
        extra_toml: str = "",
        wheel: Optional[Path] = None,
        wheel_as_plugin: bool = False,
    ) -> "E2ERepo":
        """A git repo using the suite from source, or from `wheel` (the built distribution):
        unpacked on Pants' pythonpath, or with `wheel_as_plugin` installed by Pants itself from
        `[GLOBAL].plugins`, found through `[python-repos].find_links`."""
        # The plugin and core go to a hidden directory: Pants ignores it (`pants_ignore`), so the
        # suite's own files are neither linted nor mistaken for the repo's `src/`.
        suite_root = Path.cwd()
        shutil.copy2(suite_root / "pants", root / "pants")
        plugins: Sequence[str] = ()
        if wheel is None:
            for name in SUITE_SOURCE_DIRS:
                shutil.copytree(
                    suite_root / name,
                    root / SUITE_DIR / name,
                    ignore=shutil.ignore_patterns("__pycache__"),
                )
            pythonpath = [f"%(buildroot)s/{SUITE_DIR}/{name}" for name in SUITE_SOURCE_DIRS]
        elif wheel_as_plugin:
            (root / SUITE_DIR).mkdir()
            shutil.copy2(wheel, root / SUITE_DIR / wheel.name)
            pythonpath = []
            name, version = wheel.name.split("-")[:2]
            plugins = [f"{name.replace('_', '-')}=={version}"]
            extra_toml += f'\n[python-repos]\nfind_links = ["file://%(buildroot)s/{SUITE_DIR}"]\n'
        else:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(root / SUITE_DIR / "wheel")
            pythonpath = [f"%(buildroot)s/{SUITE_DIR}/wheel"]
        toml = PANTS_TOML.format(
            pythonpath=_toml_list(pythonpath),
            plugins=_toml_list(plugins),
            backends=_toml_list(backends),
            source_roots=_toml_list(source_roots),
        )
        repo = cls(root)
        repo.write(
            {
                "pants.toml": toml + textwrap.dedent(extra_toml),
                ".gitignore": ".pants.d/\n.pids/\n__pycache__/\n",
                **files,
            }
        )
        repo.git("init", "-q", "-b", "main")
        repo.git("config", "user.email", "e2e@example.com")
        repo.git("config", "user.name", "e2e")
        repo.commit_all("initial")
        return repo

    def write(self, files: Mapping[str, str]) -> None:
        for relpath, content in files.items():
            path = self.root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)

    def read(self, relpath: str) -> str:
        return (self.root / relpath).read_text()

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout

    def commit_all(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def pants(self, *args: str, env: Optional[Mapping[str, str]] = None) -> PantsRun:
        result = subprocess.run(
            ["./pants", "--no-dynamic-ui", "--no-colors", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            # The caller's PYTHONPATH (relative entries like `src`) must not leak into Pants.
            env={
                **{key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
                **(env or {}),
            },
        )
        return PantsRun(result.returncode, result.stdout, result.stderr)


def _toml_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"
