"""Checking and fixing a batch of files, as the Pants adapter runs it: one bad file never stops
the others; it becomes an HA100 finding carrying the place of the problem.

A fix is written only when the fixed file still compiles (`source.check_fix`); a fix that
can't be checked or written leaves its file unchanged, is reported, and the file's findings are
those of its unchanged content.

For HA103, each file sees the `conftest.py` of its directory and of every directory above it,
up to the working directory (the build root in Pants, whose sandbox holds exactly the conftests
Pants knows of): read through the same `read`, once per batch. A conftest that can't be read or
parsed may define any fixture, so below it HA103 reports without fixing.

A check reuses a file's findings from the result cache while the file, the options and (for
HA103) the conftests above it are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
import ast
import hashlib
import posixpath
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from ..findings import Finding, Severity
from ..result_cache import ResultCache
from ..source import SourceError, check_fix, decode_source, parse_module, split_lone_cr_ending
from .check import Conftests, check_source
from .codes import CANNOT_CHECK_FILE, MISSING_FIXTURE_ANNOTATION
from .fixtures import CONFTEST, FixtureModule, conftest_directories
from .options import DEFAULT_OPTIONS, AnnotationOptions

ReadFile = Callable[[str], bytes]
WriteFile = Callable[[str, bytes], None]
FixSource = Callable[[str, bytes, AnnotationOptions, Conftests], Optional[bytes]]


@dataclass(frozen=True)
class BatchResult:
    findings: Tuple[Finding, ...]  # What the rule reports (after fixing, for fix_files).
    errors: Tuple[Finding, ...]  # HA100: files that could not be checked, one finding each.
    fixed: Tuple[str, ...] = ()  # Paths fix_files rewrote, in the order given.


def check_files(
    paths: Iterable[str],
    read: ReadFile,
    options: AnnotationOptions = DEFAULT_OPTIONS,
    cache: Optional[ResultCache] = None,
) -> BatchResult:
    """Check every file, reusing and storing results in `cache` (opened with `cache_scope`);
    never raises."""
    return _run(paths, read, options, None, cache or ResultCache.off())


def cache_scope(options: AnnotationOptions) -> bytes:
    """What every file's results depend on besides the file and its conftests."""
    return repr((sorted(options.select), options.allow_init_without_return)).encode()


def fix_files(
    paths: Iterable[str],
    read: ReadFile,
    write: WriteFile,
    options: AnnotationOptions = DEFAULT_OPTIONS,
) -> BatchResult:
    """Apply the safe fix to every file, then report what remains; never raises."""
    # Imported here so that checking alone never loads libcst (~150 ms per process).
    from .fix import fix_source

    # Fixing writes files: it always starts from what they say now.
    return _run(paths, read, options, (fix_source, write), ResultCache.off())


def _run(
    paths: Iterable[str],
    read: ReadFile,
    options: AnnotationOptions,
    fixer: Optional[Tuple[FixSource, WriteFile]],
    cache: ResultCache,
) -> BatchResult:
    findings: List[Finding] = []
    errors: List[Finding] = []
    fixed: List[str] = []
    conftests = _ConftestReader(read)
    with_fixtures = MISSING_FIXTURE_ANNOTATION in options.select
    for path in paths:
        try:
            content = read(path)
            if fixer is None:
                chain = conftests.identity(path) if with_fixtures and cache.enabled else b""
                key = cache.key(path, content, chain)
                cached = cache.get(key, _cached_result)
                if cached is None:
                    cached = _check_file(
                        path, content, options, conftests.chain(path) if with_fixtures else ()
                    )
                    cache.put(key, _cache_value(*cached))
                findings.extend(cached[0])
                errors.extend(cached[1])
                continue
            seen = conftests.chain(path) if with_fixtures else ()
            written, not_fixed = _fix_file(path, content, options, seen, *fixer)
            if written is not None:
                fixed.append(path)
                content = written
            if not_fixed is not None:
                errors.append(not_fixed)
            findings.extend(check_source(path, content, options, seen))
        except SourceError as e:
            errors.append(_cannot_check(path, e.line, e.col, e.reason))
        except OSError as e:
            errors.append(_cannot_check(path, 1, 1, f"cannot read it ({e.strerror or e})"))
        # Anything else is a bug here (or e.g. RecursionError on absurdly nested code); it
        # must still not cost the rest of the batch its findings, and it fails lint visibly.
        except Exception as e:
            errors.append(_cannot_check(path, 1, 1, f"internal error ({type(e).__name__}: {e})"))
    return BatchResult(tuple(sorted(findings)), tuple(errors), tuple(fixed))


# A file's checked result: its findings and its HA100 (the file can't be checked), if any.
_FileResult = Tuple[List[Finding], List[Finding]]


def _check_file(
    path: str, content: bytes, options: AnnotationOptions, conftests: Conftests
) -> _FileResult:
    try:
        return list(check_source(path, content, options, conftests)), []
    except SourceError as e:
        return [], [_cannot_check(path, e.line, e.col, e.reason)]


def _cache_value(findings: List[Finding], errors: List[Finding]) -> Dict[str, Any]:
    return {"findings": [f.to_json() for f in findings], "errors": [f.to_json() for f in errors]}


def _cached_result(value: Any) -> _FileResult:
    """The result `_cache_value` stored (`ResultCache.get` takes what this can't read for a
    miss)."""
    return (
        [Finding.from_json(item) for item in value["findings"]],
        [Finding.from_json(item) for item in value["errors"]],
    )


# What a directory's conftest.py is: a file (with its bytes), absent, or unreadable.
_PRESENT = "present"
_ABSENT = "absent"
_UNREADABLE = "unreadable"


class _ConftestReader:
    """The conftest.py files above each file, each read once and parsed when first needed."""

    def __init__(self, read: ReadFile) -> None:
        self._read = read
        # By directory: what its conftest is, and its bytes (b"" unless present).
        self._contents: Dict[str, Tuple[str, bytes]] = {}
        # By directory: its part of `identity`.
        self._identities: Dict[str, bytes] = {}
        # By directory: absent (no entry in a chain), unreadable (None) or its fixtures.
        self._modules: Dict[str, Tuple[bool, Optional[FixtureModule]]] = {}

    def chain(self, path: str) -> Conftests:
        chain = []
        for directory in conftest_directories(path):
            present, module = self._load(directory)
            if present:
                chain.append((posixpath.join(directory, CONFTEST), module))
        return tuple(chain)

    def identity(self, path: str) -> bytes:
        """What the conftests above `path` are, as the result cache's key needs it: `chain`
        is computed from exactly this."""
        return b"".join(self._identity(directory) for directory in conftest_directories(path))

    def _identity(self, directory: str) -> bytes:
        # Hashed once per directory: every file below it asks for it.
        if directory not in self._identities:
            state, content = self._content(directory)
            self._identities[directory] = (
                hashlib.sha256(directory.encode("utf-8", "surrogateescape")).digest()
                + state.encode()
                + hashlib.sha256(content).digest()
            )
        return self._identities[directory]

    def _content(self, directory: str) -> Tuple[str, bytes]:
        if directory not in self._contents:
            try:
                content = (_PRESENT, self._read(posixpath.join(directory, CONFTEST)))
            except (FileNotFoundError, NotADirectoryError):
                content = (_ABSENT, b"")
            except OSError:
                content = (_UNREADABLE, b"")
            self._contents[directory] = content
        return self._contents[directory]

    def _load(self, directory: str) -> Tuple[bool, Optional[FixtureModule]]:
        if directory not in self._modules:
            self._modules[directory] = self._parse(directory)
        return self._modules[directory]

    def _parse(self, directory: str) -> Tuple[bool, Optional[FixtureModule]]:
        path = posixpath.join(directory, CONFTEST)
        state, content = self._content(directory)
        if state != _PRESENT:
            return state == _UNREADABLE, None
        try:
            parsed = parse_module(path, content)
            if not isinstance(parsed, ast.Module):
                return True, None
            return True, FixtureModule(path, parsed, decode_source(path, content))
        except SourceError:
            return True, None


def _fix_file(
    path: str,
    content: bytes,
    options: AnnotationOptions,
    conftests: Conftests,
    fix_source: FixSource,
    write: WriteFile,
) -> Tuple[Optional[bytes], Optional[Finding]]:
    """Fix and write one file: the content written (None if none), and why the file was left
    unchanged (None if it was fixed or needed no fix). Raises SourceError for a file that
    isn't valid Python.
    """
    body, ending = split_lone_cr_ending(content)
    try:
        fixed_body = fix_source(path, body, options, conftests)
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
