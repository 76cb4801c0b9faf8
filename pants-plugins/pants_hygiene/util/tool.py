"""The sandboxed environment the file checkers run in: libcst plus the core library.

The checkers parse code, they never import it, so they don't need the user's interpreter or
requirements: they run in a PEX of their own, on the newest CPython the tool's interpreter
constraints allow and the machine has (or the one `interpreter_version` pins). The newest `ast`
reads all the syntax in a repo, so libcst (10-18x slower per file) only writes fixes; on an
older interpreter it also has to read every file with newer syntax. Running them as processes
(not in Pants' own 3.9 process) makes every batch cacheable, locally and remotely, and parallel.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Set, Tuple

from pants.backend.python.subsystems.python_tool_base import PythonToolRequirementsBase
from pants.backend.python.subsystems.setup import PythonSetup
from pants.backend.python.target_types import EntryPoint
from pants.backend.python.util_rules.interpreter_constraints import InterpreterConstraints
from pants.backend.python.util_rules.pex import VenvPex, VenvPexProcess
from pants.backend.python.util_rules.pex_cli import PexCli
from pants.base.exceptions import EngineError
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
from pants.engine.process import ProcessExecutionFailure
from pants.engine.rules import collect_rules, rule
from pants.engine.unions import UnionRule
from pants.option.option_types import BoolOption, StrOption
from pants.util.logging import LogLevel
from pants.util.strutil import softwrap
from pants.version import PANTS_SEMVER, Version

import monorepo_hygiene
from monorepo_hygiene.findings import Finding

from .compat import (
    call_rule,
    call_rule_implicitly,
    concurrently,
    create_digest,
    create_venv_pex,
    digest_subset_to_digest,
    digest_to_snapshot,
    execute_process,
    find_interpreter,
    merge_digests,
    remove_prefix,
    setup_venv_pex_process,
)

try:
    # Pants 2.17 only: 2.18 removed it and gives every tool the rules `SIMPLE` stood for.
    from pants.backend.python.subsystems.python_tool_base import LockfileRules
except ImportError:
    LockfileRules = None
try:
    # From 2.21: a tool whose resolve `pants export` can write.
    from pants.core.goals.resolves import ExportableTool
except ImportError:
    ExportableTool = None


logger = logging.getLogger(__name__)

# Where a check that writes its fixes puts them in its sandbox (`<dir>/<path>`): capturing only
# the fixed files, not every file of the batch, keeps that check as cheap as a plain one.
_FIXES_DIR = "__hygiene_fixes"
# The named cache (`append_only_caches`) the checkers keep their results in, and where it appears
# in their sandbox.
_RESULT_CACHE_NAME = "hygiene_results"
_RESULT_CACHE_PATH = ".cache/hygiene_results"


# The default lockfile this Pants reads (both made by tools/tool_lockfile.py, with the same pins)
# and the newest CPython its pip installs on. Pants 2.17-2.22 ship Pex 2.1.137-2.3.1, which know
# no pip newer than 23.1.2, and that pip refuses CPython 3.12+; Pants 2.23+ ship Pex 2.16.2+,
# which install the lock with pip 24.2 on CPython 3.9-3.13.
if PANTS_SEMVER >= Version("2.23.0a0"):
    DEFAULT_LOCKFILE, DEFAULT_LOCKFILE_NEWEST_CPYTHON = "hygiene_tool.lock", "3.13"
else:
    DEFAULT_LOCKFILE, DEFAULT_LOCKFILE_NEWEST_CPYTHON = "hygiene_tool_pip23.lock", "3.11"


class HygieneTool(PythonToolRequirementsBase):
    options_scope = "hygiene-tool"
    name = "hygiene-tool"
    help = softwrap(
        """
        The Python environment the hygiene file checkers run in, separate from your code's:
        libcst and the checkers themselves, on any interpreter the constraints allow.
        """
    )
    default_version = "libcst>=1.1,<2"
    # From 2.22 Pants reads the first of these when it registers `install_from_resolve`.
    default_requirements = [default_version]
    register_interpreter_constraints = True
    default_interpreter_constraints = ["CPython>=3.9,<3.14"]
    default_lockfile_resource = ("pants_hygiene.util", DEFAULT_LOCKFILE)
    if LockfileRules is not None:
        lockfile_rules_type = LockfileRules.SIMPLE

    interpreter_version = StrOption(
        default=None,
        help=softwrap(
            """
            The CPython version to run the checkers on, as `major.minor` (e.g. `3.11`); it must
            be one that `interpreter_constraints` allow. By default the checkers run on the
            newest allowed version found on the machine that `[pex-cli].version` can run on
            (3.11 with Pants 2.17's Pex 2.1.137; 3.12 needs Pex 2.1.139, 3.13 Pex 2.5.0) and,
            unless `install_from_resolve` is set, the default lockfile's pip installs on (3.11
            on Pants 2.17-2.22, whose Pex knows no pip newer than 23.1.2; 3.13 from 2.23): its
            `ast` reads the newest syntax, so the slower libcst parser is only used to write
            fixes. Pin one when the default can't build the PEX, e.g. with a `[python].pip_version`
            too old for the newest interpreter.
            """
        ),
        advanced=True,
    )

    result_cache = BoolOption(
        default=True,
        help=softwrap(
            f"""
            Keep each file's check results in the named cache `{_RESULT_CACHE_NAME}` (under
            `[GLOBAL].named_caches_dir`) and reuse them while the file, the checkers, their
            options and the facts they read are unchanged. Pants re-runs a whole batch when one
            of its files changes; with this, the checkers re-check only that file. Results
            unused for 14 days are dropped. Fixing always starts from the files.
            """
        ),
        advanced=True,
    )


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


@dataclass(frozen=True)
class CheckerInterpreter:
    """The constraints that select the one interpreter the checkers run on."""

    constraints: InterpreterConstraints


# The first Pex release that runs on each CPython newer than 3.11 (Pex's release notes): an older
# Pex fails on it even to find it (Pants 2.17.1 ships Pex 2.1.137, so its newest is 3.11).
_PEX_FOR_CPYTHON = {"3.12": (2, 1, 139), "3.13": (2, 5, 0)}


@rule(desc="Choose the hygiene checkers' interpreter", level=LogLevel.DEBUG)
async def choose_checker_interpreter(
    tool: HygieneTool, python_setup: PythonSetup, pex_cli: PexCli
) -> CheckerInterpreter:
    allowed = tool.interpreter_constraints
    versions = allowed.partition_into_major_minor_versions(
        python_setup.interpreter_versions_universe
    )
    if tool.interpreter_version is not None:
        if tool.interpreter_version not in versions:
            raise ValueError(
                f"`[{tool.options_scope}].interpreter_version` is `{tool.interpreter_version}`, "
                f"which is not one of the versions the tool's interpreter constraints "
                f"({allowed}) allow within `[python].interpreter_versions_universe`: "
                f"{', '.join(versions)}."
            )
        return CheckerInterpreter(_only_version(tool.interpreter_version))
    # The default lockfile's pip bounds the versions too; a resolve of the repo's is its own.
    newest = None if tool.install_from_resolve else DEFAULT_LOCKFILE_NEWEST_CPYTHON
    # Pex would pick the oldest allowed interpreter; ask for each version, newest first.
    for version in runnable_versions(versions, pex_cli.version, newest):
        candidate = _only_version(version)
        try:
            await find_interpreter(candidate)
        except (ProcessExecutionFailure, EngineError):
            continue  # Not on this machine.
        return CheckerInterpreter(candidate)
    # None found: Pants' own interpreter search reports that, with its search path.
    return CheckerInterpreter(allowed)


def runnable_versions(
    versions: Iterable[str], pex_version: str, newest: Optional[str] = None
) -> Tuple[str, ...]:
    """The `major.minor` versions that Pex `pex_version` (`v2.1.137`) runs on, up to `newest`
    if given, newest first."""
    pex_key = _version_key(pex_version.lstrip("v"))
    return tuple(
        sorted(
            (
                version
                for version in versions
                if pex_key >= _PEX_FOR_CPYTHON.get(version, ())
                and (newest is None or _version_key(version) <= _version_key(newest))
            ),
            key=_version_key,
            reverse=True,
        )
    )


def _only_version(version: str) -> InterpreterConstraints:
    return InterpreterConstraints([f"CPython=={version}.*"])


def _version_key(version: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


_checker_interpreter = call_rule_implicitly(choose_checker_interpreter)


@rule(desc="Build the hygiene checkers' PEX", level=LogLevel.DEBUG)
async def build_hygiene_tool_pex(tool: HygieneTool) -> HygieneToolPex:
    interpreter, core_digest = await concurrently(
        _checker_interpreter(),
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
            append_only_caches={_RESULT_CACHE_NAME: _RESULT_CACHE_PATH} if cached else None,
            description=request.description,
            level=LogLevel.DEBUG,
        ),
    )
    result = await execute_process(process)
    if result.exit_code != 0:
        raise HygieneToolError(request.checker, result.exit_code, result.stderr.decode())
    payload: Dict[str, Any] = json.loads(result.stdout)
    if "cache_note" in payload:
        logger.warning(
            f"The `{request.checker}` checker could not use its result cache, so it checked "
            f"every file afresh: {payload['cache_note']}"
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


def rules() -> Iterable:
    # `pants export --resolve=hygiene-tool` (2.21+) writes the checkers' environment as a venv.
    exportable = [UnionRule(ExportableTool, HygieneTool)] if ExportableTool is not None else []
    return [*collect_rules(), *HygieneTool.rules(), *exportable]
