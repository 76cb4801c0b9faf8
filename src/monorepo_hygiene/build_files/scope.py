"""Which directories' facts a check of a few files needs, so that it needn't read the whole repo.

Given a few linted files (a CI run with `--changed-since`), `check_build_file_subjects` on the
facts of these directories alone gives exactly the findings the whole repo's facts give for
every subject covering one of the files (a file, or a directory holding it), fixable flags and
messages included; `plan_build_files` gives the same edits for their directories and ancestors.
The facts of a directory are its Python files, its BUILD files and the targets they declare.

What a finding about a directory depends on (layout.py): the owners of a file are targets in its
directory or an ancestor (Pants' globs never reach up); a directory's home, its BUILD file's
directory, is the directory itself or an ancestor found by looking at the ancestors alone. So the
ancestors suffice, except for a `subtree` package root's plan, which takes files from the whole
subtree (and leaves out those of nested packages). It is needed when the lint reports whether a
directory's unowned files are fixable, when the lint reads the package root's BUILD file (every
directory of the package reports there), and for the fix's edit of that BUILD file, unless the
package has no file to own. Hence two steps: `ancestor_directories`, then `package_subtrees` from
the facts of those and the list of the repo's Python files.

One thing stays repo-wide: the fix writes in the repo's BUILD style, read from every BUILD file.
"""

from __future__ import annotations

import posixpath
from typing import Iterable, Sequence, Set, Tuple

from .facts import RepoFacts
from .layout import Layout, is_within
from .options import SUBTREE, BuildFileOptions


def ancestor_directories(paths: Iterable[str]) -> Tuple[str, ...]:
    """Every directory holding one of `paths`, and its ancestors up to the repo root (`""`)."""
    directories: Set[str] = set()
    for path in paths:
        directory = posixpath.dirname(path)
        while directory not in directories:
            directories.add(directory)
            directory = posixpath.dirname(directory)
    return tuple(sorted(directories))


def package_subtrees(
    ancestors: RepoFacts,
    options: BuildFileOptions,
    paths: Iterable[str],
    python_files: Iterable[str],
    *,
    for_fix: bool,
) -> Tuple[str, ...]:
    """The package roots whose whole subtrees' facts are needed as well, from the facts of
    `ancestor_directories(paths)` and `python_files`, every Python file of the repo (those
    below the ancestors' package roots suffice).

    For the lint, those whose plan decides a reported finding: the home of an ancestor with
    unowned files (whether they are fixable), and a package root whose BUILD file is linted.
    For the fix, every package root that is the home of an ancestor: its edit covers the files.
    Either way only a package that may have a file to own: a root's plan is empty when every
    file of its package is owned by a Python target of the ancestors, as the file's owners in
    the whole repo include those.
    """
    layout = Layout(ancestors, options)
    unowned_dirs = {
        posixpath.dirname(path) for path in layout.unowned_files() if path not in layout.ignored
    }
    paths = tuple(paths)
    candidates: Set[str] = set()
    for directory in ancestor_directories(paths):
        home = layout.home(directory)
        if layout.is_package_root(home) and (for_fix or directory in unowned_dirs):
            candidates.add(home)
    for path in paths:
        directory = posixpath.dirname(path)
        # A BUILD file (anything not a Python file) reports the findings that point at it.
        if (
            not path.endswith((".py", ".pyi"))
            and layout.home(directory) == directory
            and layout.is_package_root(directory)
        ):
            candidates.add(directory)
    if not candidates:
        return ()
    owned = {
        path
        for target in ancestors.targets
        if target.alias in layout.python_aliases
        for path in target.owned_files
    }
    maybe_unowned = [path for path in python_files if path not in owned]
    return tuple(
        sorted(root for root in candidates if _has_package_file(layout, root, maybe_unowned))
    )


def _has_package_file(layout: Layout, root: str, paths: Sequence[str]) -> bool:
    """Whether one of `paths` is in the package `root`: below it, under the same `subtree`
    policy and base (a nested policy prefix or source root makes packages of its own)."""
    base = layout.base(root)
    directories = {posixpath.dirname(path) for path in paths if is_within(path, root)}
    return any(
        layout.policy(directory)[0] == SUBTREE and layout.base(directory) == base
        for directory in directories
    )
