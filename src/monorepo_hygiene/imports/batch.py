"""Checking and fixing a batch of files, as the Pants adapter runs it: one bad file never stops
the others; it becomes an `HI100` finding for that file alone.

Checking tries the rewrite of every file with a fixable finding too (`fix.try_fix`), so a
finding is fixable (`[*]`) exactly when fixing fixes it, and the `HI105` of a file libcst can't
rewrite is reported either way. A check reuses a file's findings and rewrite from the result
cache while the file, its facts, every module's owner and the package `__init__`s its fixes
depended on are unchanged.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..findings import Finding
from ..result_cache import ResultCache
from .check import FileContext, cannot_check
from .facts import ImportFacts
from .fix import fix_file, try_fix
from .package_inits import PackageInits


@dataclass(frozen=True)
class BatchResult:
    # In fix mode, the findings left after fixing.
    findings: Tuple[Finding, ...]
    # The new content of every file a fix changed.
    fixed: Mapping[str, bytes] = field(default_factory=dict)
    # In check mode, the content each file with a fixable finding gets when fixed: the rewrite
    # tried for `[*]`, which a fixer may write without running again.
    fixes: Mapping[str, bytes] = field(default_factory=dict)


def cache_scope(facts: ImportFacts) -> bytes:
    """What every file's results depend on besides its own facts: who owns each module, and
    where the packages' `__init__`s are (a row holds the digests of those it read)."""
    return json.dumps(
        [sorted(facts.module_owners.items()), sorted(facts.package_inits.items())]
    ).encode()


def package_inits(facts: ImportFacts, contents: Mapping[str, bytes]) -> PackageInits:
    """The batch's package `__init__`s: a file of the batch as given, any other from disk."""

    def read(path: str) -> bytes:
        content = contents.get(path)
        if content is None:
            with open(path, "rb") as init_file:
                content = init_file.read()
        return content

    return PackageInits(facts.package_inits, read)


def check_files(
    contents: Mapping[str, bytes],
    facts: ImportFacts,
    *,
    fix: bool = False,
    cache: Optional[ResultCache] = None,
) -> BatchResult:
    """Check (and with `fix`, fix) a batch of files. Never raises: a file that can't be
    checked, for whatever reason, gets an `HI100` finding and the others are still checked.
    A check (not a fix) reuses and stores results in `cache`, opened with `cache_scope`."""
    findings: List[Finding] = []
    fixed: Dict[str, bytes] = {}
    fixes: Dict[str, bytes] = {}
    # Fixing writes files: it always starts from what they say now.
    cache = ResultCache.off() if fix or cache is None else cache
    inits = package_inits(facts, contents)
    for path, content in contents.items():
        try:
            file_facts = facts.files.get(path)
            if file_facts is None:
                findings.append(
                    cannot_check(path, 1, 1, "the build tool gave no ownership facts for it")
                )
                continue
            context = FileContext.of(file_facts, inits)
            if fix:
                new_content, analysis = fix_file(path, content, context, facts.owners)
                if new_content is not None:
                    fixed[path] = new_content
                findings.extend(analysis.findings)
                continue
            key = cache.key(path, content, json.dumps(file_facts.to_json()).encode())
            cached = cache.get(key, lambda value: _cached_result(value, inits))
            if cached is not None:
                file_findings, new_content = cached
            else:
                inits.consulted.clear()
                new_content, analysis = try_fix(path, content, context, facts.owners)
                file_findings = list(analysis.findings)
                cache.put(key, _cache_value(file_findings, new_content, inits.consulted))
            if new_content is not None:
                fixes[path] = new_content
            findings.extend(file_findings)
        except Exception as e:  # noqa: BLE001 - one bad file must not cost the batch its results.
            findings.append(cannot_check(path, 1, 1, f"internal error ({type(e).__name__}: {e})"))
    return BatchResult(findings=tuple(sorted(findings)), fixed=fixed, fixes=fixes)


# A file's cached check: its findings, and its content when fixed (None if no fix).
_CachedResult = Tuple[List[Finding], Optional[bytes]]


def _cache_value(
    findings: List[Finding], fixed: Optional[bytes], inits: Mapping[str, str]
) -> Dict[str, Any]:
    return {
        "findings": [finding.to_json() for finding in findings],
        "fix": None if fixed is None else base64.b64encode(fixed).decode(),
        # The digests of the `__init__`s the judgement read: the rest of the row's key.
        "package_inits": dict(inits),
    }


def _cached_result(value: Any, inits: PackageInits) -> _CachedResult:
    """The result `_cache_value` stored, if the `__init__`s it read are unchanged
    (`ResultCache.get` takes what this can't read, or a ValueError, for a miss: a bad base64
    raises binascii.Error, a ValueError)."""
    for path, digest in value["package_inits"].items():
        if inits.digest(path) != digest:
            raise ValueError(f"`{path}` changed")
    fixed = None if value["fix"] is None else base64.b64decode(value["fix"], validate=True)
    return [Finding.from_json(item) for item in value["findings"]], fixed
