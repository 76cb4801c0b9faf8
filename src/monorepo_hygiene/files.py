"""Writing files atomically: never half a file, whatever fails or crashes.

`write_atomically` replaces one file a fixer rewrites (and refuses a read-only one, as an in-place
edit would); `replace_files_atomically` replaces a set of files as one change, verifies the result
and puts every file back on any failure (read-only ones included, as a rebase of tracked files
must). Both stage the new content next to its target and move it over with `os.replace`.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import os
import shutil
import stat
import uuid
from typing import Callable, Dict, List, Mapping, Optional, Sequence


def write_atomically(path: str, content: bytes) -> None:
    """Replace a file's content in one step, keeping its mode: a reader (or a crash) sees the
    old file or the new one, never half of one. Raises OSError, without touching the file.

    A rename ignores the file's own permissions, so a file that isn't writable is refused
    explicitly, as an in-place write would be.
    """
    target = os.path.realpath(path)  # Through a symlink: replace its target, not the link.
    mode = stat.S_IMODE(os.stat(target).st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "Permission denied (the file is read-only)", path)
    temporary = _stage(target, content, new=False)
    try:
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def replace_files_atomically(
    root: str,
    originals: Mapping[str, Optional[bytes]],
    contents: Mapping[str, bytes],
    verify: Callable[[], None],
) -> None:
    """Write every file of `contents` (path -> bytes; `originals[path]` None for a new file),
    then `verify()`; on any failure put every file back as it was and re-raise.

    Each file is staged next to its target and moved over it with `os.replace`, so a file is
    never half-written; the originals stay in memory for the way back.
    """
    staged: Dict[str, str] = {}
    replaced: List[str] = []
    try:
        for path, content in contents.items():
            staged[path] = _stage(os.path.join(root, path), content, originals[path] is None)
        for path, temporary in staged.items():
            os.replace(temporary, os.path.join(root, path))
            replaced.append(path)
        verify()
    except BaseException as error:
        for path, temporary in staged.items():
            if path not in replaced and os.path.exists(temporary):
                os.remove(temporary)
        unrestored = _restore(root, originals, replaced)
        if unrestored:
            raise RestoreError(unrestored) from error
        raise


def _stage(target: str, content: bytes, new: bool) -> str:
    """Write `content` next to `target`, under a hidden name no loader picks up (alembic reads
    only `*.py`), synced to disk so that the rename never publishes a file whose bytes a crash
    lost; returns that path."""
    directory, name = os.path.split(target)
    temporary = os.path.join(directory, f".{name}.{uuid.uuid4().hex[:8]}.hygiene.tmp")
    # Created like any new file (0o666 less the umask); a rewrite then takes the old file's mode.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        if not new:
            shutil.copymode(target, temporary)
    except BaseException:
        os.remove(temporary)
        raise
    return temporary


def _restore(
    root: str, originals: Mapping[str, Optional[bytes]], replaced: Sequence[str]
) -> List[str]:
    unrestored = []
    for path in reversed(replaced):
        full = os.path.join(root, path)
        original = originals[path]
        try:
            if original is None:
                os.remove(full)
            else:
                # Staged and moved like the rewrite itself: opening the file for writing would
                # fail on a read-only (0444) one, which the rewrite could replace.
                os.replace(_stage(full, original, new=False), full)
        except OSError:
            unrestored.append(path)
    return unrestored


def unified_diff(path: str, old: Optional[bytes], new: bytes) -> str:
    old_lines = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    new_lines = new.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(
        old_lines, new_lines, "/dev/null" if old is None else f"a/{path}", f"b/{path}"
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


class RestoreError(OSError):
    """Files a failed replacement could not put back."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)
        super().__init__(
            f"could not restore {', '.join(self.paths)}; check them with `git diff` and "
            "`git checkout` them"
        )
