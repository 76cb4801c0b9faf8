"""Running the file checkers: their PEX (libcst plus the core library), a check of a batch of
files, and a fix of one (the fixes that very check wrote)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Set, Tuple

from pants.backend.python.target_types import EntryPoint
from pants.backend.python.util_rules.pex import VenvPex, VenvPexProcess
from pants.core.goals.fix import AbstractFixRequest, FixResult
from pants.engine.fs import (
    CreateDigest,
    Digest,
    DigestSubset,
    FileContent,
    MergeDigests,
    PathGlobs,
    RemovePrefix,
    Snapshot,
)
from pants.engine.rules import collect_rules, rule
from pants.util.logging import LogLevel

import monorepo_hygiene
from monorepo_hygiene.findings import Finding, render_findings

from ..reports.lint import render_lint_report
from ..util.compat import (
    call_rule,
    call_rule_implicitly,
    concurrently,
    create_digest,
    create_venv_pex,
    digest_subset_to_digest,
    digest_to_snapshot,
    execute_process,
    merge_digests,
    remove_prefix,
    setup_venv_pex_process,
)
from .interpreter import checker_interpreter
from .subsystem import RESULT_CACHE_NAME, HygieneTool

logger = logging.getLogger(__name__)

# Where a check that writes its fixes puts them in its sandbox (`<dir>/<path>`): capturing only
# the fixed files, not every file of the batch, keeps that check as cheap as a plain one.
_FIXES_DIR = "__hygiene_fixes"
# Where the checkers' named cache (`RESULT_CACHE_NAME`) appears in their sandbox.
_RESULT_CACHE_PATH = ".cache/hygiene_results"


@dataclass(frozen=True)
class HygieneToolPex:
    pex: VenvPex


@lru_cache(maxsize=None)
def _core_source_files() -> Tuple[FileContent, ...]:
    """The core library's own files, wherever this plugin was loaded from (a repo or a wheel).

    Shipping the files Pants itself imported keeps the sandboxed checkers and the in-process
    adapters on exactly the same code.
    """
    package_dir = Path(monorepo_hygiene.__file__).parent
    return tuple(
        FileContent(
            f"monorepo_hygiene/{path.relative_to(package_dir).as_posix()}",
            content=path.read_bytes(),
        )
        for path in sorted(package_dir.rglob("*.py"))
    )




@rule(desc="Build the hygiene checkers' PEX", level=LogLevel.DEBUG)
async def build_hygiene_tool_pex(tool: HygieneTool) -> HygieneToolPex:
    interpreter, core_digest = await concurrently(
        checker_interpreter(),
        create_digest(CreateDigest(_core_source_files())),
    )
    request = tool.to_pex_request(
        # Explicit, so the checkers run on the tool's interpreter whatever the repo's own
        # `[python].interpreter_constraints` say: they parse code, they never import it.
        interpreter_constraints=interpreter.constraints,
        main=EntryPoint("monorepo_hygiene.__main__"),
        sources=core_digest,
    )
    # The PEX is internal, so `build_pex` looks its interpreter up with these constraints: the
    # very request the choice above made, which the engine has memoized (2.17 as 2.23+), so no
    # second interpreter search runs and handing Pex the found `python` would save nothing.
    return HygieneToolPex(await create_venv_pex(request))


# Awaited by every check; the partitioners await it too, so the PEX is built (processes) while
# Pants gathers the facts (Python in its own process), not after.
hygiene_tool_pex = call_rule_implicitly(build_hygiene_tool_pex)


@dataclass(frozen=True)
class HygieneCheckRequest:
    """Run one checker of the core (`python -m monorepo_hygiene <checker> --write-fixes ...`)
    over a batch: its findings, and the fixes the fixer takes from this very process."""

    checker: str
    argv: Tuple[str, ...]
    files: Tuple[str, ...]
    input_digest: Digest
    # Not compared: the linter's check of a batch and the fixer's (below) are one request.
    description: str = field(compare=False)


@dataclass(frozen=True)
class HygieneCheckResult:
    # The findings of the batch's files as read; for a fix (`run_hygiene_fix`), those left.
    findings: Tuple[Finding, ...]
    fixed_files: Tuple[str, ...]
    # The fixed files alone, as fixed; for a fix, the whole batch as the fix leaves it.
    output: Snapshot
    # The findings left in `fixed_files` once fixed (a check's; a fix has them in `findings`).
    after_fixes: Tuple[Finding, ...] = ()
    # How many files' results came from the result cache.
    reused: int = 0


@rule(level=LogLevel.DEBUG)
async def run_hygiene_check(request: HygieneCheckRequest, tool: HygieneTool) -> HygieneCheckResult:
    tool_pex = await hygiene_tool_pex()
    process = await setup_venv_pex_process(
        VenvPexProcess(
            tool_pex.pex,
            argv=(
                request.checker,
                f"--write-fixes={_FIXES_DIR}",
                *([f"--cache-dir={_RESULT_CACHE_PATH}"] if tool.result_cache else []),
                *request.argv,
                *request.files,
            ),
            input_digest=request.input_digest,
            output_directories=(_FIXES_DIR,),
            append_only_caches=(
                {RESULT_CACHE_NAME: _RESULT_CACHE_PATH} if tool.result_cache else None
            ),
            description=request.description,
            level=LogLevel.DEBUG,
        ),
    )
    result = await execute_process(process)
    if result.exit_code != 0:
        raise HygieneToolError(request.checker, result.exit_code, result.stderr.decode())
    payload: Dict[str, Any] = json.loads(result.stdout)
    if "cache_note" in payload:
        # The note names the cache's place in the sandbox; a user knows it by its name.
        note = payload["cache_note"].replace(_RESULT_CACHE_PATH, RESULT_CACHE_NAME)
        logger.warning(
            f"The `{request.checker}` checker could not use its result cache (the named cache "
            f"`{RESULT_CACHE_NAME}` under `[GLOBAL].named_caches_dir`), so it checked every "
            f"file afresh: {note}"
        )
    output = await digest_to_snapshot(
        await remove_prefix(RemovePrefix(result.output_digest, _FIXES_DIR))
    )
    return HygieneCheckResult(
        findings=tuple(Finding.from_json(item) for item in payload["findings"]),
        fixed_files=tuple(payload["fixed"]),
        output=output,
        after_fixes=tuple(Finding.from_json(item) for item in payload["after_fixes"]),
        reused=payload.get("reused", 0),
    )


# What the linters and fixers await; on Pants 2.17 a `Get(HygieneCheckResult, ...)`.
request_hygiene_check = call_rule(run_hygiene_check)


@dataclass(frozen=True)
class HygieneFixRequest:
    """Fix a batch of files: `snapshot` holds them, `extra_input` what the checker needs besides
    (the same for every file of the batch, e.g. the import facts)."""

    checker: str
    argv: Tuple[str, ...]
    snapshot: Snapshot
    extra_input: Digest
    # The checker's code of a fix that couldn't be made (a warning finding).
    cannot_fix_code: str
    check_description: str = field(compare=False)


@rule(level=LogLevel.DEBUG)
async def run_hygiene_fix(request: HygieneFixRequest) -> HygieneCheckResult:
    """Fix a batch with the fixes its check wrote (`HygieneCheckRequest`), whichever the checker.

    The check is the very process the linter runs on the same batch, so `pants lint` (which also
    runs every fixer, to ask whether it would change anything) pays for it once, and a batch
    with nothing to fix costs what linting it costs. A file's findings never depend on its
    batch: every file is checked, and fixed, on its own.
    """
    # Sorted as the linter's batch is (Snapshot orders paths by component, not as strings).
    files = tuple(sorted(request.snapshot.files))
    check = await request_hygiene_check(
        HygieneCheckRequest(
            checker=request.checker,
            argv=request.argv,
            files=files,
            input_digest=await merge_digests(
                MergeDigests([request.snapshot.digest, request.extra_input])
            ),
            description=request.check_description,
        ),
    )
    _warn_of_fixes_not_made(check.findings, request.cannot_fix_code)
    fixed = set(check.fixed_files)
    if not fixed:
        return HygieneCheckResult(findings=check.findings, fixed_files=(), output=request.snapshot)
    # What a fixed file keeps is what no fix touches.
    untouched = await digest_subset_to_digest(
        DigestSubset(request.snapshot.digest, globs=_paths_but(request.snapshot, fixed))
    )
    output = await digest_to_snapshot(
        await merge_digests(MergeDigests([untouched, check.output.digest]))
    )
    left = (*(f for f in check.findings if f.path not in fixed), *check.after_fixes)
    return HygieneCheckResult(
        findings=tuple(sorted(left)), fixed_files=check.fixed_files, output=output
    )


def _warn_of_fixes_not_made(findings: Tuple[Finding, ...], cannot_fix_code: str) -> None:
    # `pants fix` shows only which files changed: a fix that couldn't be made must be said.
    not_fixed = [finding for finding in findings if finding.code == cannot_fix_code]
    if not_fixed:
        logger.warning("\n".join(render_findings(not_fixed)))


request_hygiene_fix = call_rule(run_hygiene_fix)


def _paths_but(snapshot: Snapshot, touched: Set[str]) -> PathGlobs:
    """The files of `snapshot` but those `touched`."""
    return PathGlobs([path for path in snapshot.files if path not in touched])


class HygieneToolError(Exception):
    def __init__(self, checker: str, exit_code: int, stderr: str) -> None:
        super().__init__(
            f"The `{checker}` checker crashed (exit code {exit_code}); this is a bug in "
            f"pants-monorepo-hygiene, please report it with this output:\n{stderr}"
        )


def fix_result(request: AbstractFixRequest.Batch, result: HygieneCheckResult) -> FixResult:
    """What a checker's `--fix` run did to the batch; the findings it couldn't fix are listed
    only when it changed something (`pants fix` shows the output of changed batches)."""
    return FixResult(
        input=request.snapshot,
        output=result.output,
        stdout=render_lint_report(result.findings) if result.fixed_files else "",
        stderr="",
        tool_name=request.tool_name,
    )


def rules() -> Iterable:
    return collect_rules()
