"""Pants `sources` globs, evaluated the way Pants 2.17 does for a BUILD file below the root.

A pattern is relative to its BUILD file's directory and matched one path component at a time:
`*`, `?` and `[...]` stay inside a component (dotfiles included), `**` spans zero or more
directories, and a trailing `**` matches every file below. `!pattern` excludes.

Pants matches excludes gitignore-style, but first prefixes every glob with the BUILD file's
directory, which anchors them. Only in a BUILD file at the repo root does a slash-less exclude
match at any depth; the planner writes only non-recursive targets there, whose includes take
files of the root directory alone, so the difference never shows.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Iterable, Sequence, Tuple

_GLOB_METACHARACTERS = re.compile(r"([*?\[])")


def glob_matches(pattern: str, path: str) -> bool:
    """Whether one include pattern (no `!`) matches a path, both relative to the same directory."""
    return _match_parts(tuple(pattern.split("/")), tuple(path.split("/")))


def sources_match(patterns: Sequence[str], path: str) -> bool:
    """Whether a `sources` value owns a path: some include matches and no `!` exclude does."""
    includes = [p for p in patterns if not p.startswith("!")]
    excludes = [p[1:] for p in patterns if p.startswith("!")]
    return any(glob_matches(p, path) for p in includes) and not any(
        glob_matches(p, path) for p in excludes
    )


def owned_by_sources(
    patterns: Sequence[str], directory: str, paths: Iterable[str]
) -> Tuple[str, ...]:
    """The paths (repo-relative) that a `sources` value in `directory`'s BUILD file owns."""
    prefix = f"{directory}/" if directory else ""
    return tuple(
        path
        for path in paths
        if path.startswith(prefix) and sources_match(patterns, path[len(prefix) :])
    )


def escape_glob(literal: str) -> str:
    """A pattern matching exactly `literal`, even when a file name holds `*`, `?` or `[`."""
    return _GLOB_METACHARACTERS.sub(r"[\1]", literal)


def _match_parts(pattern: Tuple[str, ...], parts: Tuple[str, ...]) -> bool:
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        if not rest:
            return bool(parts)
        # Leave at least one component for the rest of the pattern to match.
        return any(_match_parts(rest, parts[i:]) for i in range(len(parts)))
    return bool(parts) and fnmatchcase(parts[0], head) and _match_parts(rest, parts[1:])
