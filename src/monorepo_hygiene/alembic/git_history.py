"""What git knows about a history: the base branch's files, the merge-base, the working tree.

`pants rebase-alembic` asks git which migrations are the base branch's ("theirs": they may already
be applied to databases and are never rewritten) and which were added on the current branch
("ours"). Every path given to or returned by `GitRepo` is relative to the repo root it was opened
with, which need not be the top of the git work tree.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import posixpath
import subprocess
from typing import Dict, List, Optional, Sequence, Tuple

from .errors import GitError

# Where the base branch may be, after `origin/HEAD`'s target. Every one that exists counts: a
# local `main` ahead of a stale `origin/main` (or behind it) still holds revisions of the base.
DEFAULT_BASE_REFS: Tuple[str, ...] = ("origin/main", "origin/master", "main", "master")
ORIGIN_HEAD = "origin/HEAD"


class GitRepo:
    """A git work tree, seen from `root` (a directory inside it)."""

    def __init__(self, root: str) -> None:
        self.root = root
        # Commands run at the top of the work tree, so every git path is a full one.
        self._top = _run_git(root, "rev-parse", "--show-toplevel").rstrip("\n")
        self._prefix = posixpath.relpath(
            os.path.realpath(root), os.path.realpath(self._top)
        ).replace(os.sep, "/")

    def ref_exists(self, ref: str) -> bool:
        return self._commit_or_none(ref) is not None

    def refs_matching(self, patterns: Sequence[str]) -> Tuple[Tuple[str, str], ...]:
        """(short name, full name) of every branch, remote branch and tag whose short name
        (`origin/release/26.8`, `v26.8.0`) matches one of the glob `patterns` (`*` matches `/`)."""
        if not patterns:
            return ()
        output = self._run(
            "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes", "refs/tags"
        )
        matching: List[Tuple[str, str]] = []
        for full in output.splitlines():
            short = full
            for namespace in ("refs/heads/", "refs/remotes/", "refs/tags/"):
                if full.startswith(namespace):
                    short = full[len(namespace) :]
            if any(fnmatch.fnmatchcase(short, pattern) for pattern in patterns):
                matching.append((short, full))
        return tuple(matching)

    def merge_in_progress(self) -> bool:
        """Whether a `git merge` stopped on a conflict (as opposed to a rebase or cherry-pick)."""
        return self.ref_exists("MERGE_HEAD")

    def base_candidates(self) -> Tuple[str, ...]:
        """Every ref that may hold the base branch and exists: `origin/HEAD`'s target, then
        `DEFAULT_BASE_REFS`, each once."""
        target = self._try("symbolic-ref", "-q", "--short", f"refs/remotes/{ORIGIN_HEAD}")
        names = ((target.strip(),) if target and target.strip() else ()) + DEFAULT_BASE_REFS
        return tuple(ref for ref in dict.fromkeys(names) if self.ref_exists(ref))

    def merged_in_parents(self, exclude: Sequence[str] = ()) -> Tuple[Tuple[str, str], ...]:
        """(merge commit, parent) for each parent but the first of every merge commit on HEAD's
        first-parent line that no ref of `exclude` contains, newest first: what HEAD merged in
        (the first-parent line is the branch's own history)."""
        if not self.ref_exists("HEAD"):
            return ()
        output = self._run(
            "rev-list",
            "--first-parent",
            "--merges",
            "--parents",
            "HEAD",
            "--not",
            *(self.commit(ref) for ref in exclude),
            "--",
        )
        merged: List[Tuple[str, str]] = []
        for line in output.splitlines():
            merge, _first_parent, *others = line.split()
            merged.extend((merge, other) for other in others)
        return tuple(merged)

    def commit(self, ref: str) -> str:
        commit = self._commit_or_none(ref)
        if commit is None:
            raise GitError(f"`{ref}` is not a commit in {self.root}")
        return commit

    def _commit_or_none(self, ref: str) -> Optional[str]:
        commit = self._try("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        return None if commit is None else commit.strip()

    def merge_base(self, ref: str, other: str = "HEAD") -> str:
        merge_base = self._try("merge-base", self.commit(ref), self.commit(other))
        if merge_base is None:
            raise GitError(f"`{ref}` and `{other}` have no common ancestor")
        return merge_base.strip()

    def blob_ids_at(
        self, ref: str, directories: Sequence[str], recursive: bool = False
    ) -> Dict[str, str]:
        """The files inside `directories` (and their subdirectories, if `recursive`) in the tree
        of `ref`: path -> blob id (compare with `blob_id(content)`, read with `read_blobs`)."""
        wanted = {self._full(directory) for directory in directories}
        listing = self._run("ls-tree", "-r", "-z", "--full-name", self.commit(ref), "--", *wanted)
        ids: Dict[str, str] = {}
        for entry in listing.split("\0"):
            if not entry:
                continue
            info, path = entry.split("\t", 1)
            _, kind, object_id = info.split()
            if kind == "blob" and (recursive or posixpath.dirname(path) in wanted):
                ids[self._relative(path)] = object_id
        return ids

    def dirty_paths(self, directories: Sequence[str]) -> Tuple[str, ...]:
        """Changed, staged or untracked paths under `directories` (`git status --porcelain`)."""
        output = self._run(
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=all",
            "--",
            *(self._full(directory) for directory in directories),
        )
        entries = iter(output.split("\0"))
        paths: List[str] = []
        for entry in entries:
            if not entry:
                continue
            status, path = entry[:2], entry[3:]
            paths.append(self._relative(path))
            if "R" in status or "C" in status:
                next(entries, None)  # A rename's source path follows it.
        return tuple(sorted(set(paths)))

    def added_order(self, ref: str, directories: Sequence[str]) -> Dict[str, int]:
        """For each file under `directories` that `ref`'s history adds: the position of the
        (first) commit adding it, oldest first (never a commit before its parents)."""
        commit = self.commit(ref)
        output = self._run(
            "-c",
            "core.quotePath=false",
            "log",
            "--reverse",
            "--date-order",
            "--diff-filter=A",
            "--name-only",
            "--format=%x00",
            commit,
            "--",
            *(self._full(directory) for directory in directories),
        )
        order: Dict[str, int] = {}
        for position, block in enumerate(output.split("\0")[1:]):
            for path in block.split("\n"):
                if path:
                    order.setdefault(self._relative(path), position)
        return order

    def read_blobs(self, object_ids: Sequence[str]) -> List[bytes]:
        """The contents of blobs, in one `git cat-file --batch` call."""
        if not object_ids:
            return []
        command = ["git", "cat-file", "--batch"]
        result = subprocess.run(
            command,
            cwd=self._top,
            input="".join(f"{object_id}\n" for object_id in object_ids).encode(),
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise GitError("can't read files", command, result.stderr.decode(errors="replace"))
        output, position, contents = result.stdout, 0, []
        for object_id in object_ids:
            header_end = output.index(b"\n", position)
            header = output[position:header_end].split()
            if len(header) != 3 or header[1] != b"blob":
                raise GitError(f"`{object_id}` is not a blob", command)
            size = int(header[2])
            contents.append(output[header_end + 1 : header_end + 1 + size])
            position = header_end + 1 + size + 1
        return contents

    def _full(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self._prefix, path))

    def _relative(self, full_path: str) -> str:
        return posixpath.relpath(full_path, self._prefix)

    def _run(self, *args: str) -> str:
        return _run_git(self._top, *args)

    def _try(self, *args: str) -> Optional[str]:
        try:
            return self._run(*args)
        except GitError:
            return None


def blob_id(content: bytes) -> str:
    """The id git gives a file with `content` (`git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _run_git(cwd: str, *args: str) -> str:
    command = ["git", *args]
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    except (FileNotFoundError, NotADirectoryError):
        if not os.path.isdir(cwd):
            raise GitError(f"{cwd} is not a directory") from None
        raise GitError("`git` is not installed") from None
    if result.returncode != 0:
        raise GitError(f"git failed in {cwd}", command, result.stderr.decode(errors="replace"))
    return result.stdout.decode("utf-8", errors="surrogateescape")
