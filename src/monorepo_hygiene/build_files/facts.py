"""What the Pants adapter tells the core about a repo (options.py holds what shapes the lint).

Everything is repo-relative with `/` separators and no leading `./`; the repo root directory is
`""`. The adapter gathers these facts from Pants (targets as declared in BUILD files, i.e. target
generators rather than the per-file targets they generate) and never asks the core to read disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Tuple

@dataclass(frozen=True)
class GlobFacts:
    """One glob written in a target's `sources` field; `matched` says whether it matched a file.

    The adapter passes only the globs written in the BUILD file: default globs may legitimately
    match nothing (`python_tests()` in a directory without `tests.py`).
    """

    pattern: str
    matched: bool


@dataclass(frozen=True)
class TargetFacts:
    address: str
    alias: str
    build_file: str
    owned_files: Tuple[str, ...] = ()
    globs: Tuple[GlobFacts, ...] = ()
    # 1-based line of the target's call in its BUILD file, where suppression comments are read.
    line: int = 1

    @property
    def name(self) -> str:
        """The target's name: explicit after `:`, else the default, its directory's name."""
        spec = self.address.split("#", 1)[0]
        if ":" in spec:
            return spec.rsplit(":", 1)[1]
        return spec.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class RepoFacts:
    # Every `.py`/`.pyi` file in scope. Package roots and planned globs are exact when this holds
    # every Python file of the directories involved (all of the repo's is simplest).
    python_files: Tuple[str, ...]
    # The BUILD files in scope: HB105-HB107 are reported for these.
    build_files: Tuple[str, ...]
    # Every target that may own a file in scope, wherever its BUILD file is.
    targets: Tuple[TargetFacts, ...]
    # As Pants reports them; `.` means the repo root.
    source_roots: Tuple[str, ...] = ()
    # BUILD file path -> text: read for suppression comments, the repo's BUILD style, and appends.
    build_file_contents: Mapping[str, str] = field(default_factory=dict, hash=False)
    # The Python files for which `source.is_empty_python_source` holds.
    empty_files: Tuple[str, ...] = ()
