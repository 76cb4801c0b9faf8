"""The import rule as the shared file-checker pipeline runs it (`file_checker`): its check and
fix of one file, and what a file's result depends on besides its bytes.

Checking tries the rewrite of every file with a fixable finding too (`fix.try_fix`), so a
finding is fixable (`[*]`) exactly when fixing fixes it, the `HI105` of a file libcst can't
rewrite is reported either way, and every check returns its fixes. A cached result is reused
while the file, its facts, every module's owner and the package `__init__`s its fixes depended
on are unchanged.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from ..file_checker import BatchResult, FileCheck, FileRule, ReadFile
from ..file_checker import check_files as check_batch
from ..file_checker import fix_files as fix_batch
from ..result_cache import ResultCache
from . import codes
from .check import FileContext, cannot_check
from .facts import ImportFacts
from .fix import try_fix
from .package_inits import PackageInits


class ImportRule(FileRule):
    cannot_check_code = codes.CANNOT_CHECK
    cannot_fix_code = codes.CANNOT_FIX

    def __init__(self, facts: ImportFacts, read: ReadFile) -> None:
        """`read` reads the package `__init__`s the rule consults (see `PackageInits`)."""
        self.facts = facts
        self._inits = PackageInits(facts.package_inits, read)

    def check(self, path: str, content: bytes) -> FileCheck:
        file_facts = self.facts.files.get(path)
        if file_facts is None:
            reason = "the build tool gave no ownership facts for it"
            return FileCheck((cannot_check(path, 1, 1, reason),))
        self._inits.read_as(path, content)
        # What this check consults is what its cached result depends on (`dependencies`).
        self._inits.consulted.clear()
        context = FileContext.of(file_facts, self._inits)
        fixed, analysis = try_fix(path, content, context, self.facts.owners)
        return FileCheck(analysis.findings, fixed)

    def fix(self, path: str, content: bytes) -> Optional[bytes]:
        return self.check(path, content).fix

    def cache_input(self, path: str) -> bytes:
        file_facts = self.facts.files.get(path)
        return b"" if file_facts is None else json.dumps(file_facts.to_json()).encode()

    def dependencies(self) -> Any:
        # The digests of the `__init__`s the check read.
        return dict(self._inits.consulted)

    def check_dependencies(self, dependencies: Any) -> None:
        for path, digest in dependencies.items():
            if self._inits.digest(path) != digest:
                raise ValueError(f"`{path}` changed")


def cache_scope(facts: ImportFacts) -> bytes:
    """What every file's results depend on besides its own facts: who owns each module, and
    where the packages' `__init__`s are (a row holds the digests of those it read)."""
    return json.dumps(
        [sorted(facts.module_owners.items()), sorted(facts.package_inits.items())]
    ).encode()


def check_files(
    contents: Mapping[str, bytes],
    facts: ImportFacts,
    *,
    fix: bool = False,
    cache: Optional[ResultCache] = None,
) -> BatchResult:
    """Check (and with `fix`, fix without writing) a batch of files; never raises. A package
    `__init__` is read from `contents` when it is in the batch, else from disk. A check (not a
    fix) reuses and stores results in `cache`, opened with `cache_scope`."""

    def read(path: str) -> bytes:
        content = contents.get(path)
        if content is None:
            with open(path, "rb") as init_file:
                content = init_file.read()
        return content

    rule = ImportRule(facts, read)
    if fix:
        return fix_batch(contents, contents.__getitem__, lambda path, content: None, rule)
    return check_batch(contents, contents.__getitem__, rule, cache)
