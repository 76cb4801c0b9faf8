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

from ..file_checker import CannotFix, cannot_fix, fix_content
from ..findings import Finding
from ..source import SourceError
from . import codes, text_fix
from .check import Analysis, FileContext, analyse
from .errors import UnfixableFile
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
    the file can't be rewritten faithfully: its check reports that as `HI105`)."""
    owners = ModuleOwners.of(module_owners)
    return try_fix(path, content, FileContext.of(facts, package_inits), owners)[0]


def try_fix(
    path: str, content: bytes, context: FileContext, owners: ModuleOwners
) -> Tuple[Optional[bytes], Analysis]:
    """The fixed content (None if unchanged), and the analysis of the content as given, where a
    file that can't be rewritten has no fixable finding, and an `HI105`."""
    analysis = analyse(path, content, context, owners)
    if not analysis.rewrites:
        return None, analysis

    def text_edit(body: bytes) -> Optional[bytes]:
        return text_fix.rewrite_imports(body, analysis.statements, analysis.rewrites)

    def cst_edit(body: bytes) -> Optional[bytes]:
        from .rewrite import apply_rewrites  # libcst: only if the text edit can't be shown right.

        try:
            return apply_rewrites(body, analysis.statements, analysis.rewrites)
        except SourceError as e:
            raise CannotFix(e.line, e.col, e.reason) from None
        except UnfixableFile as e:
            raise CannotFix(1, 1, e.reason) from None
        except (SyntaxError, UnicodeDecodeError) as e:
            # libcst fails to decode bytes CPython lets pass (in comments).
            raise CannotFix(1, 1, f"libcst can't read it ({e})") from None

    try:
        return fix_content(path, content, text_edit, cst_edit, analysis.newer_syntax), analysis
    except CannotFix as e:
        return None, _unfixable(path, analysis, e.line, e.col, e.reason)


def _unfixable(path: str, analysis: Analysis, line: int, col: int, reason: str) -> Analysis:
    """A file left unchanged: its findings stay, as errors without `[*]`, beside an `HI105`."""
    kept = tuple(replace(finding, fixable=False) for finding in analysis.findings)
    findings = tuple(sorted((*kept, cannot_fix(codes.CANNOT_FIX, path, line, col, reason))))
    return Analysis(findings, analysis.statements, {}, analysis.newer_syntax)
