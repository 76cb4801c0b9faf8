"""Checking and fixing a batch of files, as the Pants adapter runs it: one bad file never stops
the others; it becomes an HA100 finding carrying the place of the problem.

A fix is written only when the fixed file still compiles (`source.check_fix`); a fix that
can't be checked or written leaves its file unchanged, is reported, and the file's findings are
those of its unchanged content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Tuple

from ..findings import Finding, Severity
from ..source import SourceError, check_fix, split_lone_cr_ending
from .check import (
    CANNOT_CHECK_FILE,
    DEFAULT_OPTIONS,
    AnnotationOptions,
    check_source,
)

ReadFile = Callable[[str], bytes]
WriteFile = Callable[[str, bytes], None]
FixSource = Callable[[str, bytes, AnnotationOptions], Optional[bytes]]


@dataclass(frozen=True)
class BatchResult:
    findings: Tuple[Finding, ...]  # What the rule reports (after fixing, for fix_files).
    errors: Tuple[Finding, ...]  # HA100: files that could not be checked, one finding each.
    fixed: Tuple[str, ...] = ()  # Paths fix_files rewrote, in the order given.


def check_files(
    paths: Iterable[str], read: ReadFile, options: AnnotationOptions = DEFAULT_OPTIONS
) -> BatchResult:
    """Check every file; never raises."""
    return _run(paths, read, options, None)


def fix_files(
    paths: Iterable[str],
    read: ReadFile,
    write: WriteFile,
    options: AnnotationOptions = DEFAULT_OPTIONS,
) -> BatchResult:
    """Apply the safe fix to every file, then report what remains; never raises."""
    # Imported here so that checking alone never loads libcst (~150 ms per process).
    from .fix import fix_source

    return _run(paths, read, options, (fix_source, write))


def _run(
    paths: Iterable[str],
    read: ReadFile,
    options: AnnotationOptions,
    fixer: Optional[Tuple[FixSource, WriteFile]],
) -> BatchResult:
    findings: List[Finding] = []
    errors: List[Finding] = []
    fixed: List[str] = []
    for path in paths:
        try:
            content = read(path)
            if fixer is not None:
                written, not_fixed = _fix_file(path, content, options, *fixer)
                if written is not None:
                    fixed.append(path)
                    content = written
                if not_fixed is not None:
                    errors.append(not_fixed)
            findings.extend(check_source(path, content, options))
        except SourceError as e:
            errors.append(_cannot_check(path, e.line, e.col, e.reason))
        except OSError as e:
            errors.append(_cannot_check(path, 1, 1, e.strerror or str(e)))
        # Anything else is a bug here (or e.g. RecursionError on absurdly nested code); it
        # must still not cost the rest of the batch its findings, and it fails lint visibly.
        except Exception as e:
            errors.append(_cannot_check(path, 1, 1, f"internal error: {type(e).__name__}: {e}"))
    return BatchResult(tuple(sorted(findings)), tuple(errors), tuple(fixed))


def _fix_file(
    path: str, content: bytes, options: AnnotationOptions, fix_source: FixSource, write: WriteFile
) -> Tuple[Optional[bytes], Optional[Finding]]:
    """Fix and write one file: the content written (None if none), and why the file was left
    unchanged (None if it was fixed or needed no fix). Raises SourceError for a file that
    isn't valid Python.
    """
    body, ending = split_lone_cr_ending(content)
    try:
        fixed_body = fix_source(path, body, options)
    except SourceError:
        raise
    except Exception as e:  # libcst failing on a file CPython reads: no fix, still checked.
        reason = f"libcst can't rewrite it ({type(e).__name__}: {e})"
        return None, _cannot_fix(path, 1, 1, reason)
    if fixed_body is None:
        return None, None
    fixed_content = fixed_body + ending
    try:
        check_fix(path, content, fixed_content)
    except SourceError as e:
        return None, _cannot_fix(path, e.line, e.col, e.reason)
    try:
        write(path, fixed_content)
    except OSError as e:
        return None, _cannot_fix(path, 1, 1, f"cannot write it ({e.strerror or e})")
    return fixed_content, None


def _cannot_fix(path: str, line: int, col: int, reason: str) -> Finding:
    # A warning: the findings the fix would have removed are still reported, as errors.
    return Finding(
        path, line, col, CANNOT_CHECK_FILE, f"Cannot fix file: {reason}", Severity.WARNING
    )


def _cannot_check(path: str, line: int, col: int, reason: str) -> Finding:
    return Finding(path, line, col, CANNOT_CHECK_FILE, f"Cannot check file: {reason}")
