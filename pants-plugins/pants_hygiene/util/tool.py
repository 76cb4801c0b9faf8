"""The sandboxed environment the file checkers run in: libcst plus the core library.

The checkers parse code, they never import it, so they don't need the user's interpreter or
requirements: they run in a PEX of their own, on any CPython the tool's interpreter constraints
allow, and read syntax newer than that interpreter with libcst. Running them as processes (not
in Pants' own 3.9 process) makes every batch cacheable, locally and remotely, and parallel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Tuple

from pants.backend.python.subsystems.python_tool_base import PythonToolRequirementsBase
from pants.backend.python.target_types import EntryPoint
from pants.backend.python.util_rules.pex import VenvPex, VenvPexProcess
from pants.engine.fs import EMPTY_SNAPSHOT, CreateDigest, Digest, FileContent, Snapshot
from pants.engine.rules import collect_rules, rule
from pants.util.logging import LogLevel
from pants.util.strutil import softwrap

import monorepo_hygiene
from monorepo_hygiene.findings import Finding

from .compat import (
    call_rule,
    call_rule_implicitly,
    create_digest,
    create_venv_pex,
    digest_to_snapshot,
    execute_process,
    setup_venv_pex_process,
)

try:
    # Pants 2.17 only: 2.18 removed it and gives every tool the rules `SIMPLE` stood for.
    from pants.backend.python.subsystems.python_tool_base import LockfileRules
except ImportError:
    LockfileRules = None


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
    default_lockfile_resource = ("pants_hygiene.util", "hygiene_tool.lock")
    if LockfileRules is not None:
        lockfile_rules_type = LockfileRules.SIMPLE


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
            f"monorepo_hygiene/{path.relative_to(package_dir).as_posix()}", path.read_bytes()
        )
        for path in sorted(package_dir.rglob("*.py"))
    )


@rule(desc="Build the hygiene checkers' PEX", level=LogLevel.DEBUG)
async def build_hygiene_tool_pex(tool: HygieneTool) -> HygieneToolPex:
    core_digest = await create_digest(CreateDigest(_core_source_files()))
    pex = await create_venv_pex(
        tool.to_pex_request(
            # Explicit, so the checkers run on the tool's interpreters whatever the repo's own
            # `[python].interpreter_constraints` say: they parse code, they never import it.
            interpreter_constraints=tool.interpreter_constraints,
            main=EntryPoint("monorepo_hygiene.__main__"),
            sources=core_digest,
        ),
    )
    return HygieneToolPex(pex)


_hygiene_tool_pex = call_rule_implicitly(build_hygiene_tool_pex)


@dataclass(frozen=True)
class HygieneCheckRequest:
    """Run one checker of the core (`python -m monorepo_hygiene <checker> ...`) over a batch."""

    checker: str
    argv: Tuple[str, ...]
    files: Tuple[str, ...]
    input_digest: Digest
    description: str
    fix: bool = False


@dataclass(frozen=True)
class HygieneCheckResult:
    # With `fix`, the findings left after fixing.
    findings: Tuple[Finding, ...]
    fixed_files: Tuple[str, ...]
    # With `fix`, the batch's files as the checker left them; empty otherwise.
    output: Snapshot


@rule(level=LogLevel.DEBUG)
async def run_hygiene_check(request: HygieneCheckRequest) -> HygieneCheckResult:
    tool = await _hygiene_tool_pex()
    process = await setup_venv_pex_process(
        VenvPexProcess(
            tool.pex,
            argv=(
                request.checker,
                *(["--fix"] if request.fix else []),
                *request.argv,
                *request.files,
            ),
            input_digest=request.input_digest,
            output_files=request.files if request.fix else (),
            description=request.description,
            level=LogLevel.DEBUG,
        ),
    )
    result = await execute_process(process)
    if result.exit_code != 0:
        raise HygieneToolError(request.checker, result.exit_code, result.stderr.decode())
    payload: Dict[str, Any] = json.loads(result.stdout)
    output = await digest_to_snapshot(result.output_digest) if request.fix else EMPTY_SNAPSHOT
    return HygieneCheckResult(
        findings=tuple(Finding.from_json(item) for item in payload["findings"]),
        fixed_files=tuple(payload.get("fixed", ())),
        output=output,
    )


# What the linters and fixers await; on Pants 2.17 a `Get(HygieneCheckResult, ...)`.
request_hygiene_check = call_rule(run_hygiene_check)


class HygieneToolError(Exception):
    def __init__(self, checker: str, exit_code: int, stderr: str) -> None:
        super().__init__(
            f"The `{checker}` checker crashed (exit code {exit_code}); this is a bug in "
            f"pants-monorepo-hygiene, please report it with this output:\n{stderr}"
        )


def rules() -> Iterable:
    return [*collect_rules(), *HygieneTool.rules()]
