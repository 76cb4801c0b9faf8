"""Which CPython the file checkers run on: the newest the tool's constraints allow, the machine
has and `[pex-cli].version` can run on (or the one `[hygiene-tool].interpreter_version` pins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from pants.backend.python.subsystems.setup import PythonSetup
from pants.backend.python.util_rules.interpreter_constraints import InterpreterConstraints
from pants.backend.python.util_rules.pex_cli import PexCli
from pants.base.exceptions import EngineError
from pants.engine.process import ProcessExecutionFailure
from pants.engine.rules import collect_rules, rule
from pants.util.logging import LogLevel

from ..util.compat import call_rule_implicitly, find_interpreter
from .subsystem import DEFAULT_LOCKFILE_NEWEST_CPYTHON, HygieneTool


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


checker_interpreter = call_rule_implicitly(choose_checker_interpreter)


def rules() -> Iterable:
    return collect_rules()
