"""The fix: every fixable, unsuppressed import finding of a file rewritten (on the text, see
`text_fix`, else with libcst, see `rewrite`), and the rewritten file checked again; nothing else
changes.

Which findings are fixable is decided by trying the very rewrite (`try_fix`), so `pants lint`
and `pants fix` never disagree: a file's findings as the check reports them (`check_source`)
come from here, the rule's verdicts from `check.analyse`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional, Tuple, Union

from ..findings import Finding, Severity
from ..source import SourceError, check_fix, split_lone_cr_ending
from . import codes, text_fix
from .check import Analysis, FileContext, analyse
from .errors import FixError, UnfixableFile
from .facts import FileFacts
from .owners import ModuleOwners
from .package_inits import PackageInits


def check_source(
    path: str,
    content: bytes,
    facts: FileFacts,
    module_owners: Union[ModuleOwners, Mapping[str, str]],
    package_inits: Optional[PackageInits] = None,
) -> Tuple[Finding, ...]:
    """The import findings of one file, fixable (`[*]`) when `fix_source` fixes them; a file
    that can't be read gets one `HI100`, one libcst can't rewrite an `HI105`.

    Pass `ImportFacts.owners` as `module_owners` when checking many files: a plain mapping is
    indexed anew on every call. Without `package_inits`, every package with an `__init__` may
    bind any name.
    """
    owners = ModuleOwners.of(module_owners)
    return try_fix(path, content, FileContext.of(facts, package_inits), owners)[1].findings


def fix_source(
    path: str,
    content: bytes,
    facts: FileFacts,
    module_owners: Union[ModuleOwners, Mapping[str, str]],
    package_inits: Optional[PackageInits] = None,
) -> Optional[bytes]:
    """The file's content with every fixable, unsuppressed finding fixed; None if none is (or
    the file can't be rewritten faithfully: `check_files` reports that as `HI105`)."""
    owners = ModuleOwners.of(module_owners)
    return fix_file(path, content, FileContext.of(facts, package_inits), owners)[0]


def fix_file(
    path: str, content: bytes, context: FileContext, owners: ModuleOwners
) -> Tuple[Optional[bytes], Analysis]:
    """The fixed content (None if unchanged) and the analysis of the result: the findings left
    after fixing (those of the content as given when nothing could be fixed)."""
    new_content, analysis = try_fix(path, content, context, owners)
    if new_content is None:
        return None, analysis
    new_analysis = analyse(path, new_content, context, owners)
    for finding in new_analysis.findings:
        if finding.code == codes.CANNOT_CHECK:
            raise FixError(path, finding.message)
    return new_content, new_analysis


def try_fix(
    path: str, content: bytes, context: FileContext, owners: ModuleOwners
) -> Tuple[Optional[bytes], Analysis]:
    """The fixed content (None if unchanged), and the analysis of the content as given, where a
    file that can't be rewritten has no fixable finding, and an `HI105`."""
    analysis = analyse(path, content, context, owners)
    if not analysis.rewrites:
        return None, analysis
    body, ending = split_lone_cr_ending(content)
    try:
        new_body = text_fix.rewrite_imports(body, analysis.statements, analysis.rewrites)
        if new_body is None:
            from .rewrite import apply_rewrites  # libcst: only if the text edit can't be shown right.

            new_body = apply_rewrites(body, analysis.statements, analysis.rewrites)
        new_content = new_body + ending
        check_fix(path, content, new_content, analysis.newer_syntax)
    except SourceError as e:
        return None, _unfixable(path, analysis, e.line, e.col, e.reason)
    except (UnfixableFile, SyntaxError, UnicodeDecodeError) as e:
        # libcst fails to decode bytes CPython lets pass (in comments).
        reason = e.reason if isinstance(e, UnfixableFile) else f"libcst can't read it ({e})"
        return None, _unfixable(path, analysis, 1, 1, reason)
    except Exception as e:  # noqa: BLE001 - libcst failing on a file CPython reads: no fix.
        reason = f"libcst can't rewrite it ({type(e).__name__}: {e})"
        return None, _unfixable(path, analysis, 1, 1, reason)
    return new_content, analysis


def _unfixable(path: str, analysis: Analysis, line: int, col: int, reason: str) -> Analysis:
    """A file left unchanged: its findings stay, as errors without `[*]`, beside an `HI105`."""
    kept = tuple(replace(finding, fixable=False) for finding in analysis.findings)
    findings = tuple(sorted((*kept, cannot_fix(path, line, col, reason))))
    return Analysis(findings, analysis.statements, {}, analysis.newer_syntax)


def cannot_fix(path: str, line: int, col: int, reason: str) -> Finding:
    """The `HI105` warning of a file left unchanged: its findings are still there, as errors."""
    message = f"Cannot fix file: {reason}"
    return Finding(path, line, col, codes.CANNOT_FIX, message, Severity.WARNING)
