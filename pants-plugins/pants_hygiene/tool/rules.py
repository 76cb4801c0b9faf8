"""Running the file checkers: their PEX (libcst plus the core library), a check of a batch of
files, and a fix of one (a check, then the fixer only on the files with something to fix)."""

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
    EMPTY_SNAPSHOT,
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
from monorepo_hygiene.findings import Finding

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
    """Run one checker of the core (`python -m monorepo_hygiene <checker> ...`) over a batch."""

    checker: str
    argv: Tuple[str, ...]
    files: Tuple[str, ...]
    input_digest: Digest
    # Not compared: the linter's check of a batch and the fixer's (below) are one request.
    description: str = field(compare=False)
    fix: bool = False
    # A check that also writes the fixes it tried (`--write-fixes`, imports): the fixer takes
    # them from this process, and runs no process of its own.
    writes_fixes: bool = False


@dataclass(frozen=True)
class HygieneCheckResult:
    # With `fix`, the findings left after fixing.
    findings: Tuple[Finding, ...]
    fixed_files: Tuple[str, ...]
    # With `fix`, the batch's files as the checker left them; with `writes_fixes`, the fixed
    # files alone, as fixed; else empty.
    output: Snapshot
    # How many files' results came from the result cache.
    reused: int = 0


@rule(level=LogLevel.DEBUG)
async def run_hygiene_check(request: HygieneCheckRequest, tool: HygieneTool) -> HygieneCheckResult:
    # A fix starts from the files as they are; a check reuses the results of unchanged ones.
    cached = tool.result_cache and not request.fix
    tool_pex = await hygiene_tool_pex()
    process = await setup_venv_pex_process(
        VenvPexProcess(
            tool_pex.pex,
            argv=(
                request.checker,
                *(["--fix"] if request.fix else []),
                *([f"--write-fixes={_FIXES_DIR}"] if request.writes_fixes else []),
                *([f"--cache-dir={_RESULT_CACHE_PATH}"] if cached else []),
                *request.argv,
                *request.files,
            ),
            input_digest=request.input_digest,
            output_files=request.files if request.fix else (),
            output_directories=(_FIXES_DIR,) if request.writes_fixes else (),
            append_only_caches={RESULT_CACHE_NAME: _RESULT_CACHE_PATH} if cached else None,
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
    if request.fix:
        output = await digest_to_snapshot(result.output_digest)
    elif request.writes_fixes:
        output = await digest_to_snapshot(
            await remove_prefix(RemovePrefix(result.output_digest, _FIXES_DIR))
        )
    else:
        output = EMPTY_SNAPSHOT
    return HygieneCheckResult(
        findings=tuple(Finding.from_json(item) for item in payload["findings"]),
        fixed_files=tuple(payload.get("fixed", ())),
        output=output,
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
    check_description: str = field(compare=False)
    # The checker's check writes the fixes it tried (see `HygieneCheckRequest.writes_fixes`);
    # otherwise the fixer's own process, for the files with a fixable finding, says this.
    check_writes_fixes: bool = False
    fix_description: str = field(compare=False, default="")


@rule(level=LogLevel.DEBUG)
async def run_hygiene_fix(request: HygieneFixRequest) -> HygieneCheckResult:
    """Check the batch with the fast `ast` checker, then run the libcst fixer only on the files
    with a fixable finding (or, for a checker whose check writes the fixes it tried, take those).

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
            writes_fixes=request.check_writes_fixes,
        ),
    )
    if request.check_writes_fixes:
        # The fixes are made: what a fixed file keeps is what no fix touches.
        fixed = set(check.fixed_files)
        if not fixed:
            output = request.snapshot
        else:
            untouched = await digest_subset_to_digest(
                DigestSubset(request.snapshot.digest, globs=_paths_but(request.snapshot, fixed))
            )
            output = await digest_to_snapshot(
                await merge_digests(MergeDigests([untouched, check.output.digest]))
            )
        return HygieneCheckResult(
            findings=tuple(f for f in check.findings if not (f.fixable and f.path in fixed)),
            fixed_files=check.fixed_files,
            output=output,
        )
    to_fix = sorted({finding.path for finding in check.findings if finding.fixable})
    if not to_fix:
        return HygieneCheckResult(findings=check.findings, fixed_files=(), output=request.snapshot)
    to_fix_set = set(to_fix)
    to_fix_sources, untouched = await concurrently(
        digest_subset_to_digest(DigestSubset(request.snapshot.digest, globs=PathGlobs(to_fix))),
        digest_subset_to_digest(
            DigestSubset(request.snapshot.digest, globs=_paths_but(request.snapshot, to_fix_set))
        ),
    )
    fix = await request_hygiene_check(
        HygieneCheckRequest(
            checker=request.checker,
            argv=request.argv,
            files=tuple(to_fix),
            input_digest=await merge_digests(MergeDigests([to_fix_sources, request.extra_input])),
            description=request.fix_description,
            fix=True,
        ),
    )
    output = await digest_to_snapshot(
        await merge_digests(MergeDigests([untouched, fix.output.digest]))
    )
    return HygieneCheckResult(
        findings=tuple(
            sorted(
                (
                    *(finding for finding in check.findings if finding.path not in to_fix_set),
                    *fix.findings,
                )
            )
        ),
        fixed_files=fix.fixed_files,
        output=output,
    )


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
