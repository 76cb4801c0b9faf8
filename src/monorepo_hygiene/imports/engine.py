"""Checking and fixing files: parse, judge every import statement, report, rewrite.

Detection parses with the stdlib `ast` and walks statement blocks only, so checking a file costs
little more than parsing it; libcst is loaded and run only for files that get a fix, or whose
syntax is newer than the running interpreter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    """The import findings of one file; a file that can't be read gets one `HI100`.

    Pass `ImportFacts.owners` as `module_owners` when checking many files: a plain mapping is
    indexed anew on every call.
    """
    return _analyse(path, content, FileContext.of(facts), _index(module_owners)).findings


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
    checked, for whatever reason, gets an `HI100` finding and the others are still checked."""
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
            if fix:
                new_content, analysis = _fix(path, content, context, facts.owners)
                if new_content is not None:
                    fixed[path] = new_content
            else:
                analysis = _analyse(path, content, context, facts.owners)
            findings.extend(analysis.findings)
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
    path: str, content: bytes, context: FileContext, owners: ModuleOwners
) -> Tuple[Optional[bytes], _Analysis]:
    """The fixed content (None if unchanged) and the analysis of the final content."""
    analysis = _analyse(path, content, context, owners)
    if not analysis.rewrites:
        return None, analysis
    from .rewrite import apply_rewrites  # libcst: only if needed.

    try:
        body, ending = split_lone_cr_ending(content)
        new_content = apply_rewrites(body, analysis.statements, analysis.rewrites) + ending
    except (UnfixableFile, SyntaxError, UnicodeDecodeError) as e:
        # libcst fails to decode bytes CPython lets pass (in comments).
        reason = e.reason if isinstance(e, UnfixableFile) else f"libcst can't read it ({e})"
        not_fixed = cannot_fix(path, 1, 1, reason)
        return None, _Analysis((*analysis.findings, not_fixed), analysis.statements, {})
    try:
        check_fix(path, content, new_content)
    except SourceError as e:
        not_fixed = cannot_fix(path, e.line, e.col, e.reason)
        return None, _Analysis((*analysis.findings, not_fixed), analysis.statements, {})
    new_analysis = _analyse(path, new_content, context, owners)
    for finding in new_analysis.findings:
        if finding.code == codes.CANNOT_CHECK:
            raise FixError(path, finding.message)
    return new_content, new_analysis


def _index(module_owners: Union[ModuleOwners, Mapping[str, str]]) -> ModuleOwners:
    return module_owners if isinstance(module_owners, ModuleOwners) else ModuleOwners(module_owners)


def cannot_check(path: str, line: int, col: int, reason: str) -> Finding:
    """The `HI100` finding of a file that can't be checked."""
    return Finding(path, line, col, codes.CANNOT_CHECK, f"Cannot check file: {reason}")


def cannot_fix(path: str, line: int, col: int, reason: str) -> Finding:
    """The `HI105` warning of a file left unchanged: its findings are still there, as errors."""
    message = f"Cannot fix file: {reason}"
    return Finding(path, line, col, codes.CANNOT_FIX, message, Severity.WARNING)
