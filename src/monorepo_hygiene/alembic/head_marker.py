"""The head marker: one small file per history, holding its head revision id.

Two branches that each add a migration both rewrite this one line, so git itself reports the
conflict when the second one is merged or rebased, before a second head reaches main (as
django-linear-migrations' `max_migration.txt` does). `check-alembic` reports a marker that is
missing, stale or in conflict; `check-alembic --fix` writes it; `rebase-alembic` keeps it true
and, when it is in conflict, takes both heads from the conflict markers; alembic's
`post_write_hooks` keep it true on `alembic revision` (`python -m
monorepo_hygiene.alembic.head_marker <new revision file>`, see `main`).
"""

from __future__ import annotations

import argparse
import os
import posixpath
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from ..files import write_atomically
from ..findings import Finding
from .codes import HEAD_MARKER_CONFLICT, HEAD_MARKER_MISSING, HEAD_MARKER_STALE
from .errors import HeadMarkerError
from .graph import RevisionGraph
from .wording import quoted

# Beside the versions directory, so one history has one marker and its name says what it is.
HEAD_MARKER_NAME = "alembic_head.txt"

_CONFLICT_START = "<<<<<<<"
_CONFLICT_BASE = "|||||||"  # diff3 / zdiff3 conflict style: the common ancestor's side.
_CONFLICT_SEPARATOR = "======="
_CONFLICT_END = ">>>>>>>"


def head_marker_path(versions_dirs: Sequence[str]) -> str:
    """Where a history's marker lives: beside its (first) versions directory."""
    return posixpath.join(posixpath.dirname(posixpath.normpath(versions_dirs[0])), HEAD_MARKER_NAME)


@dataclass(frozen=True)
class MarkerFile:
    """A history's marker as the adapter found it: `content` None when there is no such file."""

    path: str
    content: Optional[bytes]


def marker_content(head: str) -> bytes:
    return f"{head}\n".encode("utf-8")


@dataclass(frozen=True)
class MarkerConflict:
    """Both sides of a marker git left in conflict: `head_side` is the checked-out one (`HEAD`),
    `other_side` the one being merged in or replayed; each names one revision or none."""

    line: int
    head_side: Tuple[str, ...]
    other_side: Tuple[str, ...]

    def sides(self, merging: bool) -> Tuple[str, str]:
        """(theirs, ours): the head to keep and the head to move on top of it.

        During `git rebase`, `HEAD` is the upstream being rebased onto and the other side is
        your commit being replayed; during `git merge` it is the other way round (as
        django-linear-migrations' `rebase_migration` reads it).
        """
        if len(self.head_side) != 1 or len(self.other_side) != 1:
            raise HeadMarkerError(
                f"the conflict should name one revision on each side, not "
                f"{quoted(self.head_side)} and {quoted(self.other_side)}"
            )
        if merging:
            return self.other_side[0], self.head_side[0]
        return self.head_side[0], self.other_side[0]


@dataclass(frozen=True)
class MarkerState:
    """What a marker file says: a revision id, nothing (None: empty), or a conflict."""

    revision: Optional[str] = None
    conflict: Optional[MarkerConflict] = None


def read_marker(content: bytes) -> MarkerState:
    text = content.decode("utf-8", errors="replace")
    lines = text.splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith(_CONFLICT_START)]
    if starts:
        return MarkerState(conflict=_conflict(lines, starts[0]))
    ids = [line.strip() for line in lines if line.strip()]
    return MarkerState(revision=ids[0] if len(ids) == 1 else None)


def _conflict(lines: List[str], start: int) -> MarkerConflict:
    head_side: List[str] = []
    other_side: List[str] = []
    current: Optional[List[str]] = head_side
    for line in lines[start + 1 :]:
        if line.startswith(_CONFLICT_BASE):
            current = None  # The common ancestor's value is neither side's head.
        elif line.startswith(_CONFLICT_SEPARATOR):
            current = other_side
        elif line.startswith(_CONFLICT_END):
            break
        elif current is not None and line.strip():
            current.append(line.strip())
    return MarkerConflict(start + 1, tuple(head_side), tuple(other_side))


def marker_findings(
    marker: MarkerFile,
    graph: RevisionGraph,
    history_name: str,
    fix_command: str,
    rebase_command: str,
) -> List[Finding]:
    """HM113 (missing), HM114 (stale), HM115 (in conflict) for one history's marker.

    With several heads, HM101 says what to run; a marker naming one of them is not reported twice.
    """
    path, content = marker.path, marker.content
    heads = graph.heads
    if not heads:
        return []
    rebase = f"`{rebase_command} {history_name}`"
    fix = f"`{fix_command} {history_name}`" if len(heads) == 1 else rebase
    if content is None:
        return [
            Finding(
                path,
                1,
                1,
                HEAD_MARKER_MISSING,
                f"No head marker for `{history_name}`; run {fix} to write it",
                fixable=len(heads) == 1,
            )
        ]
    state = read_marker(content)
    if state.conflict is not None:
        sides = f"{quoted(state.conflict.head_side)} and {quoted(state.conflict.other_side)}"
        return [
            Finding(
                path,
                state.conflict.line,
                1,
                HEAD_MARKER_CONFLICT,
                f"Head marker in conflict between {sides}: two branches each added a "
                f"migration; run {rebase} (it takes both heads from the conflict), then "
                "`git add` the marker",
            )
        ]
    if state.revision in heads:
        return []  # True; or one of several heads, which HM101 reports with what to run.
    says = f"names `{state.revision}`" if state.revision else "names no revision"
    real = f"the head is `{heads[0]}`" if len(heads) == 1 else f"the heads are {quoted(heads)}"
    return [
        Finding(
            path,
            1,
            1,
            HEAD_MARKER_STALE,
            f"Head marker {says}, but {real}; run {fix}",
            fixable=len(heads) == 1,
        )
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Alembic's post-write hook: rewrite the marker of the history the new revision file is in.

    Alembic runs it as `python -m monorepo_hygiene.alembic.head_marker <new revision file>`
    (`type = module`); it reads the migrations beside that file, statically.
    """
    from .reader import read_history  # Only the hook reads files itself.

    parser = argparse.ArgumentParser(prog="python -m monorepo_hygiene.alembic.head_marker")
    parser.add_argument("revision_file", help="the revision file alembic just wrote")
    parser.add_argument(
        "--versions-dir",
        help="the history's versions directory (default: the revision file's directory)",
    )
    arguments = parser.parse_args(argv)
    versions_dir = arguments.versions_dir or os.path.dirname(
        os.path.abspath(arguments.revision_file)
    )
    files: Dict[str, bytes] = {}
    for name in sorted(os.listdir(versions_dir)):
        full = os.path.join(versions_dir, name)
        if os.path.isfile(full):
            with open(full, "rb") as f:
                files[name] = f.read()
    history = read_history(files, whole_files=False)
    heads = RevisionGraph.from_migrations(history.migrations).heads
    marker = os.path.join(os.path.dirname(os.path.normpath(versions_dir)), HEAD_MARKER_NAME)
    if len(heads) != 1:
        print(
            f"{marker}: not written, {versions_dir} has heads {quoted(heads)}; "
            "run `pants rebase-alembic` (or `alembic merge heads`)",
            file=sys.stderr,
        )
        return 1
    if os.path.exists(marker):
        write_atomically(marker, marker_content(heads[0]))
    else:
        with open(marker, "xb") as f:
            f.write(marker_content(heads[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
