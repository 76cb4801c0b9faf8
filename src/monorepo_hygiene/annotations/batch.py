"""The annotation rule as the shared file-checker pipeline runs it (`file_checker`): its check
and fix of one file, and what a file's result depends on besides its bytes.

For HA103, each file sees the `conftest.py` of its directory and of every directory above it,
up to the working directory (the build root in Pants, whose sandbox holds exactly the conftests
Pants knows of): read through the same `read`, once per batch. A conftest that can't be read or
parsed may define any fixture, so below it HA103 reports without fixing. A cached result is
reused while the file, the options and (for HA103) the conftests above it are unchanged.
"""

from __future__ import annotations

import ast
import hashlib
import posixpath
from typing import Dict, Iterable, Optional, Tuple

from ..file_checker import BatchResult, FileCheck, FileRule, ReadFile, WriteFile
from ..file_checker import check_files as check_batch
from ..file_checker import fix_files as fix_batch
from ..findings import Finding
from ..result_cache import ResultCache
from ..source import SourceError, decode_source, parse_module
from .check import Conftests, FixturePlan, check_source_and_plan
from .codes import CANNOT_CHECK_FILE, CANNOT_FIX_FILE, MISSING_FIXTURE_ANNOTATION
from .fix import fix_checked
from .fixtures import CONFTEST, FixtureModule, conftest_directories
from .options import DEFAULT_OPTIONS, AnnotationOptions


class AnnotationRule(FileRule):
    cannot_check_code = CANNOT_CHECK_FILE
    cannot_fix_code = CANNOT_FIX_FILE

    def __init__(self, options: AnnotationOptions, read: ReadFile) -> None:
        self.options = options
        self._with_fixtures = MISSING_FIXTURE_ANNOTATION in options.select
        self._conftests = _ConftestReader(read)
        # The last file checked, its content, findings and plan: the pipeline asks for the fix
        # of the file it just checked, which makes what that check found and planned.
        self._last_check: Optional[Tuple[str, bytes, Tuple[Finding, ...], FixturePlan]] = None

    def check(self, path: str, content: bytes) -> FileCheck:
        self._last_check = None
        findings, plan = check_source_and_plan(
            path, content, self.options, self._conftests_of(path)
        )
        self._last_check = (path, content, findings, plan)
        return FileCheck(findings)

    def fix(self, path: str, content: bytes) -> Optional[bytes]:
        last = self._last_check
        if last is not None and last[0] == path and last[1] == content:
            findings, plan = last[2], last[3]
        else:
            findings, plan = check_source_and_plan(
                path, content, self.options, self._conftests_of(path)
            )
        return fix_checked(path, content, findings, plan)

    def cache_input(self, path: str) -> bytes:
        return self._conftests.identity(path) if self._with_fixtures else b""

    def _conftests_of(self, path: str) -> Conftests:
        return self._conftests.chain(path) if self._with_fixtures else ()


def cache_scope(options: AnnotationOptions) -> bytes:
    """What every file's results depend on besides the file and its conftests."""
    return repr((sorted(options.select), options.allow_init_without_return)).encode()


def check_files(
    paths: Iterable[str],
    read: ReadFile,
    options: AnnotationOptions = DEFAULT_OPTIONS,
    cache: Optional[ResultCache] = None,
) -> BatchResult:
    """Check every file, reusing and storing results in `cache` (opened with `cache_scope`);
    never raises."""
    return check_batch(paths, read, AnnotationRule(options, read), cache)


def fix_files(
    paths: Iterable[str],
    read: ReadFile,
    write: WriteFile,
    options: AnnotationOptions = DEFAULT_OPTIONS,
) -> BatchResult:
    """Apply the safe fix to every file, then report what remains; never raises."""
    return fix_batch(paths, read, write, AnnotationRule(options, read))


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
