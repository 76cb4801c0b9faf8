"""`RepoFacts` from what the build tool lists: its targets as their BUILD files write them, the
BUILD files' text, the repo's Python files and its `__init__.py` files' bytes."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence, Tuple

from ..source import is_empty_python_source
from .facts import GlobFacts, RepoFacts, TargetFacts
from .style import target_line


@dataclass(frozen=True)
class WrittenTarget:
    """A target as a BUILD file writes it (never one generated per file): where it is, what it
    owns, and the globs its `sources` field spells out."""

    # The target's directory, e.g. `src/app` (`""` for the repo root).
    directory: str
    address: str
    alias: str
    name: str
    owned_files: Tuple[str, ...]
    globs: Tuple[GlobFacts, ...]


def repo_facts(
    python_files: Tuple[str, ...],
    build_file_texts: Mapping[str, str],
    targets: Sequence[WrittenTarget],
    source_roots: Iterable[str],
    init_files: Mapping[str, bytes],
    style_build_file_texts: Mapping[str, str],
) -> RepoFacts:
    """The facts the rule reads. A directory's BUILD file is the first of its BUILD files by
    name; a target without one (Pants synthesizes some) has no BUILD file to point at and is
    left out. `style_build_file_texts` may add BUILD files outside the facts' directories, read
    only for the repo's style (scope.py)."""
    build_file_by_dir = {}
    for path in sorted(build_file_texts):
        build_file_by_dir.setdefault(posixpath.dirname(path), path)
    target_facts = []
    for target in targets:
        build_file = build_file_by_dir.get(target.directory)
        if build_file is None:
            continue
        target_facts.append(
            TargetFacts(
                address=target.address,
                alias=target.alias,
                build_file=build_file,
                owned_files=target.owned_files,
                globs=target.globs,
                line=target_line(build_file_texts[build_file], target.alias, target.name),
            )
        )
    return RepoFacts(
        python_files=python_files,
        build_files=tuple(sorted(build_file_texts)),
        targets=tuple(target_facts),
        source_roots=tuple(source_roots),
        build_file_contents={**style_build_file_texts, **build_file_texts},
        empty_files=tuple(
            path for path, content in init_files.items() if is_empty_python_source(content)
        ),
    )
