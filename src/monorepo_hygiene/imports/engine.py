"""Checking and fixing files: parse, judge every import statement, report, rewrite.

Detection parses with the stdlib `ast` and walks statement blocks only, so checking a file costs
little more than parsing it; libcst is loaded and run only for files that get a fix, or whose
syntax is newer than the running interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, List, Mapping, Optional, Tuple, Union

from ..findings import Finding, Severity
from ..noqa import is_suppressed
from ..source import (
    NewerSyntax,
    SourceError,
    check_fix,
    decode_source,
    parse_module,
    split_lone_cr_ending,
)
from . import codes
from .errors import FixError, UnfixableFile
from .facts import FileFacts, ImportFacts
from .owners import ModuleOwners
from .statements import (
    ImportStatement,
    source_lines,
    statements_from_ast,
)
from .verdicts import FileContext, Rewrite, judge


@dataclass(frozen=True)
class CheckResult:
    # In fix mode, the findings left after fixing.
    findings: Tuple[Finding, ...]
    # The new content of every file a fix changed.
    fixed: Mapping[str, bytes] = field(default_factory=dict)


def check_source(
    path: str,
    content: bytes,
    facts: FileFacts,
    module_owners: Union[ModuleOwners, Mapping[str, str]],
) -> Tuple[Finding, ...]:
    """The import findings of one file, fixable (`[*]`) when `fix_source` fixes them; a file
    that can't be read gets one `HI100`, one libcst can't rewrite an `HI105`.

    Pass `ImportFacts.owners` as `module_owners` when checking many files: a plain mapping is
    indexed anew on every call.
    """
    context = FileContext.of(facts)
    return _fix(path, content, context, _index(module_owners), check_only=True)[1].findings


def fix_source(
    path: str,
    content: bytes,
    facts: FileFacts,
    module_owners: Union[ModuleOwners, Mapping[str, str]],
) -> Optional[bytes]:
    """The file's content with every fixable, unsuppressed finding fixed; None if none is (or
    libcst can't rewrite the file faithfully: `check_files` reports that as `HI105`)."""
    return _fix(path, content, FileContext.of(facts), _index(module_owners))[0]


def check_files(
    contents: Mapping[str, bytes], facts: ImportFacts, *, fix: bool = False
) -> CheckResult:
    """Check (and with `fix`, fix) a batch of files. Never raises: a file that can't be
    checked, for whatever reason, gets an `HI100` finding and the others are still checked.

    Checking tries the rewrite of every file with a fixable finding too, so a finding is
    fixable (`[*]`) exactly when `fix` fixes it, and the `HI105` of a file libcst can't rewrite
    is reported either way.
    """
    findings: List[Finding] = []
    fixed: Dict[str, bytes] = {}
    for path, content in contents.items():
        try:
            file_facts = facts.files.get(path)
            if file_facts is None:
                findings.append(
                    cannot_check(path, 1, 1, "the build tool gave no ownership facts for it")
                )
                continue
            context = FileContext.of(file_facts)
            # Checking tries the rewrite too, so that `[*]` (and HI105 when it can't be made)
            # tell what fixing will do.
            new_content, before, after = _fix(
                path, content, context, facts.owners, check_only=not fix
            )
            if fix and new_content is not None:
                fixed[path] = new_content
            findings.extend((after if fix else before).findings)
        except Exception as e:  # noqa: BLE001 - one bad file must not cost the batch its results.
            findings.append(cannot_check(path, 1, 1, f"internal error ({type(e).__name__}: {e})"))
    return CheckResult(findings=tuple(sorted(findings)), fixed=fixed)


@dataclass(frozen=True)
class _Analysis:
    findings: Tuple[Finding, ...]
    statements: List[ImportStatement]
    # Fixes of unsuppressed findings, by position in `statements`.
    rewrites: Dict[int, Rewrite]


def _analyse(path: str, content: bytes, context: FileContext, owners: ModuleOwners) -> _Analysis:
    try:
        parsed = parse_module(path, content)
    except SourceError as e:
        return _Analysis((cannot_check(path, e.line, e.col, e.reason),), [], {})
    if isinstance(parsed, NewerSyntax):
        from .rewrite import statements_from_cst  # libcst: only if needed.

        statements = statements_from_cst(parsed.text)
    else:
        statements = statements_from_ast(parsed)
    judged = []
    for ordinal, statement in enumerate(statements):
        verdict = judge(statement, context, owners)
        if verdict is not None:
            judged.append((ordinal, statement, verdict))
    if not judged:
        return _Analysis((), statements, {})
    # Decoding again is cheaper than keeping every file's text for the rare file with findings.
    lines = source_lines(
        parsed.text if isinstance(parsed, NewerSyntax) else decode_source(path, content),
        max(statement.end_line for _, statement, _ in judged),
    )
    findings: List[Finding] = []
    rewrites: Dict[int, Rewrite] = {}
    for ordinal, statement, verdict in judged:
        if is_suppressed(verdict.code, lines[statement.line - 1 : statement.end_line]):
            continue
        first_line = lines[statement.line - 1]
        col = len(first_line.encode("utf-8")[: statement.col].decode("utf-8")) + 1
        findings.append(
            Finding(
                path,
                statement.line,
                col,
                verdict.code,
                verdict.message,
                fixable=verdict.rewrite is not None,
            )
        )
        if verdict.rewrite is not None:
            rewrites[ordinal] = verdict.rewrite
    return _Analysis(tuple(findings), statements, rewrites)


def _fix(
    path: str,
    content: bytes,
    context: FileContext,
    owners: ModuleOwners,
    *,
    check_only: bool = False,
) -> Tuple[Optional[bytes], _Analysis, _Analysis]:
    """The fixed content (None if unchanged), the analysis of the content as given (where a
    file that can't be rewritten has no fixable finding, and an `HI105`), and of the result
    (with `check_only`, which only needs the first, that of the content as given again)."""
    analysis = _analyse(path, content, context, owners)
    if not analysis.rewrites:
        return None, analysis, analysis
    from .rewrite import apply_rewrites  # libcst: only if needed.

    try:
        body, ending = split_lone_cr_ending(content)
        new_content = apply_rewrites(body, analysis.statements, analysis.rewrites) + ending
        check_fix(path, content, new_content)
    except SourceError as e:
        return _unfixable(path, analysis, e.line, e.col, e.reason)
    except (UnfixableFile, SyntaxError, UnicodeDecodeError) as e:
        # libcst fails to decode bytes CPython lets pass (in comments).
        reason = e.reason if isinstance(e, UnfixableFile) else f"libcst can't read it ({e})"
        return _unfixable(path, analysis, 1, 1, reason)
    if check_only:
        return new_content, analysis, analysis
    new_analysis = _analyse(path, new_content, context, owners)
    for finding in new_analysis.findings:
        if finding.code == codes.CANNOT_CHECK:
            raise FixError(path, finding.message)
    return new_content, analysis, new_analysis


def _unfixable(
    path: str, analysis: _Analysis, line: int, col: int, reason: str
) -> Tuple[None, _Analysis, _Analysis]:
    """A file left unchanged: its findings stay, as errors without `[*]`, beside an `HI105`."""
    kept = tuple(replace(finding, fixable=False) for finding in analysis.findings)
    unfixable = _Analysis(
        tuple(sorted((*kept, cannot_fix(path, line, col, reason)))), analysis.statements, {}
    )
    return None, unfixable, unfixable


def _index(module_owners: Union[ModuleOwners, Mapping[str, str]]) -> ModuleOwners:
    return module_owners if isinstance(module_owners, ModuleOwners) else ModuleOwners(module_owners)


def cannot_check(path: str, line: int, col: int, reason: str) -> Finding:
    """The `HI100` finding of a file that can't be checked."""
    return Finding(path, line, col, codes.CANNOT_CHECK, f"Cannot check file: {reason}")


def cannot_fix(path: str, line: int, col: int, reason: str) -> Finding:
    """The `HI105` warning of a file left unchanged: its findings are still there, as errors."""
    message = f"Cannot fix file: {reason}"
    return Finding(path, line, col, codes.CANNOT_FIX, message, Severity.WARNING)
