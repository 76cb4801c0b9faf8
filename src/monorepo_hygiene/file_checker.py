"""The one pipeline every file checker runs (annotations, imports): a capability supplies its
rule and its fix for one file (`FileRule`) plus what a file's result depends on; this module
runs batches, reuses results, fixes and writes, and is the checkers' command line.

Checking a batch (`check_files`): each file's findings, reused from the result cache while the
file, the rule's scope and the file's own inputs (`FileRule.cache_input`) are unchanged. One bad
file never stops the others: a file that can't be read or checked gets one cannot-check finding
(the rule's code, at the place of the problem) and costs nothing else.

Fixing (`fix_files`): a file with a fixable finding is fixed by one pipeline (`fix_content`:
text edit, else libcst, on the content before a lone CR ending; the ending put back; the result
compile-checked), written atomically by the caller's `write`, then checked again for the
findings left. A fix that can't be made, checked or written leaves its file unchanged and adds a
cannot-fix warning; the file's findings are those of its unchanged content.

One protocol serves the build tool: a check with `with_fixes` also returns the fix of every file
with a fixable finding (`BatchResult.fixes`) and the findings the fixes leave (`after_fixes`),
so one process tells a linter the findings and a fixer the new contents, whichever the rule.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .files import write_atomically
from .findings import Finding, Severity
from .result_cache import ResultCache, add_cache_dir_argument, cache_stats, open_for_arguments
from .source import SourceError, check_fix, split_lone_cr_ending

ReadFile = Callable[[str], bytes]
WriteFile = Callable[[str, bytes], None]
# An edit of a file's body (its content before a lone CR ending): the new body, None if none.
Edit = Callable[[bytes], Optional[bytes]]


class CannotFix(Exception):
    """A fix that can't be made faithfully: the file stays as it is, with a cannot-fix warning
    at `line`:`col`."""

    def __init__(self, line: int, col: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.col = col
        self.reason = reason


@dataclass(frozen=True)
class FileCheck:
    """One file's checked result."""

    findings: Tuple[Finding, ...]
    # The file's content with its fixable findings fixed, when the check made it (a rule whose
    # `[*]` is decided by trying the fix, or a check asked for fixes); None otherwise.
    fix: Optional[bytes] = None
    # A check asked for fixes: the findings of `fix`, those left after fixing.
    after_fix: Tuple[Finding, ...] = ()


class FileRule(ABC):
    """What a capability supplies: its rule and its fix for one file, and what a file's result
    depends on. Raising SourceError (a file that isn't valid Python) makes a cannot-check finding
    at the error's place; any other exception is a bug, reported the same way as an internal
    error."""

    # The codes of a file that can't be checked (an error) and of one left unfixed (a warning).
    cannot_check_code: str
    cannot_fix_code: str

    @abstractmethod
    def check(self, path: str, content: bytes) -> FileCheck:
        """The file's findings (sorted), `[*]` on those the fix fixes."""

    @abstractmethod
    def fix(self, path: str, content: bytes) -> Optional[bytes]:
        """The fixed content (`fix_content`), None if nothing changes; raises CannotFix. Called
        for a file whose check has a fixable finding and made no fix itself."""

    def cache_input(self, path: str) -> bytes:
        """What the file's result depends on besides its content and the cache's scope."""
        return b""

    def dependencies(self) -> Any:
        """After a check: what else it read, as JSON (checked by `check_dependencies`)."""
        return None

    def check_dependencies(self, dependencies: Any) -> None:
        """Raise ValueError when what a cached check read (`dependencies`) has changed."""


def cannot_check(code: str, path: str, line: int, col: int, reason: str) -> Finding:
    """The finding (`code`: the rule's `cannot_check_code`) of a file that can't be checked."""
    return Finding(path, line, col, code, f"Cannot check file: {reason}")


def cannot_fix(code: str, path: str, line: int, col: int, reason: str) -> Finding:
    """The warning (`code`: the rule's `cannot_fix_code`) of a file left unfixed: the findings
    the fix would have removed are still reported, as errors."""
    message = f"Cannot fix file: {reason}"
    return Finding(path, line, col, code, message, Severity.WARNING)


def fix_content(
    path: str,
    content: bytes,
    text_edit: Edit,
    cst_edit: Edit,
    original_is_newer: Optional[bool] = None,
) -> Optional[bytes]:
    """The file fixed: `text_edit` (shown right as it is made), else `cst_edit` (libcst, loaded
    only then), on the body before a lone CR ending (which libcst would lose), the ending put
    back, and the result compile-checked (`check_fix`). None if nothing changes; raises
    CannotFix when the fix can't be made or wouldn't compile, SourceError when the file
    isn't valid Python."""
    body, ending = split_lone_cr_ending(content)
    try:
        new_body = text_edit(body)
        if new_body is None:
            new_body = cst_edit(body)
    except (SourceError, CannotFix):
        raise
    except Exception as e:  # noqa: BLE001 - libcst failing on a file CPython reads: no fix.
        raise CannotFix(1, 1, f"libcst can't rewrite it ({type(e).__name__}: {e})") from e
    if new_body is None:
        return None
    fixed = new_body + ending
    try:
        check_fix(path, content, fixed, original_is_newer)
    except SourceError as e:
        raise CannotFix(e.line, e.col, e.reason) from None
    return fixed


@dataclass(frozen=True)
class BatchResult:
    # Sorted; with cannot-check and cannot-fix findings. After `fix_files`, those left.
    findings: Tuple[Finding, ...]
    # After `fix_files`: the content written to each fixed file.
    fixed: Mapping[str, bytes] = field(default_factory=dict)
    # After `check_files`: the content each file with a fixable finding gets when fixed, when
    # the check made it (always `with_fixes`), which a fixer may write without running again.
    fixes: Mapping[str, bytes] = field(default_factory=dict)
    # After `check_files` `with_fixes`: the findings left in the files of `fixes` once fixed
    # (sorted), which a fixer reports instead of theirs in `findings`.
    after_fixes: Tuple[Finding, ...] = ()


def check_files(
    paths: Iterable[str],
    read: ReadFile,
    rule: FileRule,
    cache: Optional[ResultCache] = None,
    with_fixes: bool = False,
) -> BatchResult:
    """Check every file, reusing and storing results in `cache`; never raises. With
    `with_fixes`, every file with a fixable finding is fixed too (not written)."""
    cache = cache or ResultCache.off()
    findings: List[Finding] = []
    fixes: Dict[str, bytes] = {}
    after_fixes: List[Finding] = []
    for path in paths:
        try:
            content = read(path)
            extra = rule.cache_input(path) if cache.enabled else b""
            # A check with fixes stores what a plain one doesn't: its rows are apart.
            key = cache.key(path, content, extra + (b"+fixes" if with_fixes else b""))
            checked = cache.get(key, lambda value: _cached_check(rule, value))
            if checked is None:
                checked = _check(rule, path, content, with_fixes)
                cache.put(key, _cache_value(checked, rule.dependencies()))
            findings.extend(checked.findings)
            if checked.fix is not None:
                fixes[path] = checked.fix
                after_fixes.extend(checked.after_fix)
        except Exception as e:  # noqa: BLE001 - one bad file must not cost the batch its results.
            findings.append(_unchecked(rule, path, e))
    return BatchResult(
        tuple(sorted(findings)), fixes=fixes, after_fixes=tuple(sorted(after_fixes))
    )


def fix_files(
    paths: Iterable[str], read: ReadFile, write: WriteFile, rule: FileRule
) -> BatchResult:
    """Fix every file with a fixable finding and `write` it, then report what remains; never
    raises. Fixing always starts from what the files say now: no result cache."""
    findings: List[Finding] = []
    fixed: Dict[str, bytes] = {}
    for path in paths:
        try:
            content = read(path)
            checked = _check(rule, path, content, with_fixes=True)
            if checked.fix is None:
                findings.extend(checked.findings)
                continue
            try:
                write(path, checked.fix)
            except OSError as e:
                # Left unchanged, the file has the findings of the content read.
                reason = f"cannot write it ({e.strerror or e})"
                findings.extend(
                    (*checked.findings, cannot_fix(rule.cannot_fix_code, path, 1, 1, reason))
                )
                continue
            fixed[path] = checked.fix
            findings.extend(checked.after_fix)
        except Exception as e:  # noqa: BLE001 - one bad file must not cost the batch its results.
            findings.append(_unchecked(rule, path, e))
    return BatchResult(tuple(sorted(findings)), fixed=fixed)


def _check(rule: FileRule, path: str, content: bytes, with_fixes: bool) -> FileCheck:
    """The file's check; `with_fixes`, its fix too and what the fix leaves."""
    try:
        checked = rule.check(path, content)
    except SourceError as e:
        return FileCheck((cannot_check(rule.cannot_check_code, path, e.line, e.col, e.reason),))
    if not with_fixes:
        return checked
    if checked.fix is None and any(finding.fixable for finding in checked.findings):
        try:
            checked = replace(checked, fix=rule.fix(path, content))
        except CannotFix as e:
            not_fixed = cannot_fix(rule.cannot_fix_code, path, e.line, e.col, e.reason)
            return FileCheck(tuple(sorted((*checked.findings, not_fixed))))
    if checked.fix is None:
        return checked
    return replace(checked, after_fix=_check(rule, path, checked.fix, with_fixes=False).findings)


def _unchecked(rule: FileRule, path: str, error: Exception) -> Finding:
    if isinstance(error, SourceError):
        return cannot_check(rule.cannot_check_code, path, error.line, error.col, error.reason)
    if isinstance(error, OSError):
        return cannot_check(
            rule.cannot_check_code, path, 1, 1, f"cannot read it ({error.strerror or error})"
        )
    # A bug here (or e.g. RecursionError on absurdly nested code): it must still not cost the
    # rest of the batch its findings, and it fails lint visibly.
    return cannot_check(
        rule.cannot_check_code, path, 1, 1, f"internal error ({type(error).__name__}: {error})"
    )


def _cache_value(checked: FileCheck, dependencies: Any) -> Dict[str, Any]:
    return {
        "findings": [finding.to_json() for finding in checked.findings],
        "fix": None if checked.fix is None else base64.b64encode(checked.fix).decode(),
        "after_fix": [finding.to_json() for finding in checked.after_fix],
        "dependencies": dependencies,
    }


def _cached_check(rule: FileRule, value: Any) -> FileCheck:
    """The check `_cache_value` stored, if what it read is unchanged (`ResultCache.get` takes
    what this can't read, or a ValueError, for a miss: a bad base64 raises binascii.Error, a
    ValueError)."""
    rule.check_dependencies(value["dependencies"])
    fix = None if value["fix"] is None else base64.b64decode(value["fix"], validate=True)
    return FileCheck(
        tuple(Finding.from_json(item) for item in value["findings"]),
        fix,
        tuple(Finding.from_json(item) for item in value["after_fix"]),
    )


@dataclass(frozen=True)
class CommandLine:
    """A checker's command line: `prog`, its own arguments (`add_arguments`) and, from the
    parsed arguments, its rule and the result cache's scope (`make_rule`, which returns an
    error message instead for arguments that can't be used, e.g. unreadable facts)."""

    checker: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    make_rule: Callable[[argparse.Namespace], Union[FileRule, str]]
    # The scope of the result cache: what every file's results depend on.
    cache_scope: Callable[[FileRule], bytes]
    fix_help: str

    def main(self, argv: Optional[Sequence[str]]) -> int:
        """`python -m monorepo_hygiene.<checker> [--fix | --write-fixes OUT] [--cache-dir DIR]
        <its own arguments> FILE...`: prints `{"findings": [...], "fixed": [path, ...]}`
        (findings sorted; with `--fix`, those left after fixing; plus `cache_stats`), and exits
        0 whatever was found (the caller decides what fails), 2 on bad arguments.

        `--write-fixes OUT` reports the findings of the files as read, `[*]` and all, writes the
        fix of every file with a fixable finding to `OUT/<path>` (listed in `fixed`), leaving the
        files as they are, and adds `"after_fixes"`: the findings left in the fixed files once
        fixed. One process thus serves a linter (`findings`) and a fixer (the fixes, and the
        findings of the unfixed files with `after_fixes`), whichever the checker."""
        parser = argparse.ArgumentParser(
            prog=f"python -m monorepo_hygiene.{self.checker}", description=self.description
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--fix", action="store_true", help=self.fix_help)
        mode.add_argument(
            "--write-fixes",
            metavar="OUT",
            help="report the findings of the files as read, and write each fix to OUT/<path>",
        )
        self.add_arguments(parser)
        add_cache_dir_argument(parser)
        parser.add_argument("files", nargs="*", metavar="FILE")
        args = parser.parse_args(argv)
        rule = self.make_rule(args)
        if isinstance(rule, str):
            print(rule, file=sys.stderr)
            return 2
        cache = open_for_arguments(parser, args, self.checker, self.cache_scope(rule))
        output: Dict[str, Any] = {}
        if args.fix:
            result = fix_files(args.files, _read, write_atomically, rule)
            written = list(result.fixed)
        else:
            with_fixes = args.write_fixes is not None
            result = check_files(args.files, _read, rule, cache, with_fixes)
            cache.save()
            written, not_written = _write_fixes(args.write_fixes, result.fixes, rule)
            result = replace(result, findings=tuple(sorted((*result.findings, *not_written))))
            if with_fixes:
                written_paths = set(written)
                after_fixes = [f for f in result.after_fixes if f.path in written_paths]
                output["after_fixes"] = [finding.to_json() for finding in after_fixes]
        json.dump(
            {
                "findings": [finding.to_json() for finding in result.findings],
                "fixed": written,
                **output,
                **cache_stats(cache),
            },
            sys.stdout,
        )
        sys.stdout.write("\n")
        return 0


def _write_fixes(
    out: Optional[str], fixes: Mapping[str, bytes], rule: FileRule
) -> Tuple[List[str], List[Finding]]:
    """Write each fix to `out`/<path>, a directory only the caller reads once this process
    has exited: the paths written, and a cannot-fix warning for each fix that couldn't be."""
    written: List[str] = []
    not_written: List[Finding] = []
    for path, content in sorted(fixes.items()) if out is not None else ():
        target = os.path.join(out, path)
        try:
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            with open(target, "xb") as new_file:
                new_file.write(content)
        except OSError as e:
            not_written.append(
                cannot_fix(rule.cannot_fix_code, path, 1, 1, f"cannot write it ({e.strerror or e})")
            )
        else:
            written.append(path)
    return written, not_written


def _read(path: str) -> bytes:
    with open(path, "rb") as source_file:
        return source_file.read()
