"""Checking and fixing a batch of files, as the Pants adapter runs it: one bad file never stops
the others; it becomes an `HI100` finding for that file alone.

Checking tries the rewrite of every file with a fixable finding too (`check.try_fix`), so a
finding is fixable (`[*]`) exactly when fixing fixes it, and the `HI105` of a file libcst can't
rewrite is reported either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Tuple

from ..findings import Finding
from .check import FileContext, cannot_check, try_fix
from .facts import ImportFacts
from .fix import fix_file


@dataclass(frozen=True)
class BatchResult:
    # In fix mode, the findings left after fixing.
    findings: Tuple[Finding, ...]
    # The new content of every file a fix changed.
    fixed: Mapping[str, bytes] = field(default_factory=dict)
    # In check mode, the content each file with a fixable finding gets when fixed: the rewrite
    # tried for `[*]`, which a fixer may write without running again.
    fixes: Mapping[str, bytes] = field(default_factory=dict)


def check_files(
    contents: Mapping[str, bytes], facts: ImportFacts, *, fix: bool = False
) -> BatchResult:
    """Check (and with `fix`, fix) a batch of files. Never raises: a file that can't be
    checked, for whatever reason, gets an `HI100` finding and the others are still checked."""
    findings: List[Finding] = []
    fixed: Dict[str, bytes] = {}
    fixes: Dict[str, bytes] = {}
    for path, content in contents.items():
        try:
            file_facts = facts.files.get(path)
            if file_facts is None:
                findings.append(
                    cannot_check(path, 1, 1, "the build tool gave no ownership facts for it")
                )
                continue
            context = FileContext.of(file_facts)
            if fix:
                new_content, analysis = fix_file(path, content, context, facts.owners)
                if new_content is not None:
                    fixed[path] = new_content
            else:
                new_content, analysis = try_fix(path, content, context, facts.owners)
                if new_content is not None:
                    fixes[path] = new_content
            findings.extend(analysis.findings)
        except Exception as e:  # noqa: BLE001 - one bad file must not cost the batch its results.
            findings.append(cannot_check(path, 1, 1, f"internal error ({type(e).__name__}: {e})"))
    return BatchResult(findings=tuple(sorted(findings)), fixed=fixed, fixes=fixes)
