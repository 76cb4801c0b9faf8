"""Running a backend's lint and fix the way `pants lint` / `pants fix` do, inside a RuleRunner."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Optional, Sequence, Tuple, Type, TypeVar

from pants.backend.python import target_types_rules
from pants.backend.python.dependency_inference import rules as dependency_inference_rules
from pants.backend.python.target_types import (
    PythonSourcesGeneratorTarget,
    PythonTestsGeneratorTarget,
)
from pants.backend.python.util_rules import pex
from pants.base.specs import RawSpecs, RecursiveGlobSpec
from pants.core.goals import fix as fix_goal
from pants.core.goals import lint as lint_goal
from pants.core.goals.fix import Fix
from pants.core.goals.lint import LintResult, LintTargetsRequest
from pants.core.util_rules import config_files, source_files, stripped_source_files
from pants.core.util_rules.partitions import Partitions
from pants.engine.rules import QueryRule
from pants.engine.target import Target, Targets
from pants.option.subsystem import Subsystem
from pants.testutil.python_rule_runner import PythonRuleRunner
from pants.testutil.rule_runner import RuleRunner

from tests.pants_hygiene.offline_pants import RULE_RUNNER_ENV_INHERIT, rule_runner_args

T = TypeVar("T")
SubsystemT = TypeVar("SubsystemT", bound=Subsystem)


def python_lint_rule_runner(
    backend_rules: Iterable,
    request_type: Type[LintTargetsRequest],
    extra_target_types: Iterable[Type[Target]] = (),
) -> PythonRuleRunner:
    """A RuleRunner with a Python file backend, `lint` and `fix`, over Python source targets."""
    return PythonRuleRunner(
        rules=[
            *backend_rules,
            *target_types_rules.rules(),
            *dependency_inference_rules.rules(),
            *pex.rules(),
            *source_files.rules(),
            *stripped_source_files.rules(),
            *config_files.rules(),
            *lint_goal.rules(),
            *fix_goal.rules(),
            QueryRule(Partitions, [request_type.PartitionRequest]),
            QueryRule(LintResult, [request_type.Batch]),
            QueryRule(Targets, [RawSpecs]),
        ],
        target_types=[PythonSourcesGeneratorTarget, PythonTestsGeneratorTarget, *extra_target_types],
    )


def run_lint(
    rule_runner: RuleRunner,
    request_type: Type[LintTargetsRequest],
    directories: Iterable[str],
    *args: str,
    batch_size: Optional[int] = None,
) -> Tuple[int, str]:
    """Partition the targets under `directories` and lint every partition, cut into batches of
    `batch_size` elements as `pants lint` cuts them (default: one batch); (exit code, stdout)."""
    partitions = lint_partitions(rule_runner, request_type, directories, *args)
    results = [
        rule_runner.request(LintResult, [request_type.Batch("", batch, partition.metadata)])
        for partition in partitions
        for batch in _batches(partition.elements, batch_size or len(partition.elements))
    ]
    return max((result.exit_code for result in results), default=0), "".join(
        result.stdout for result in results
    )


def lint_partitions(
    rule_runner: RuleRunner,
    request_type: Type[LintTargetsRequest],
    directories: Iterable[str],
    *args: str,
) -> Partitions:
    """The lint partitions of the targets under `directories`, with these options."""
    rule_runner.set_options([*rule_runner_args(), *args], env_inherit=set(RULE_RUNNER_ENV_INHERIT))
    targets = rule_runner.request(
        Targets,
        [
            RawSpecs.create(
                [RecursiveGlobSpec(directory) for directory in directories],
                description_of_origin="the test",
            )
        ],
    )
    field_set_type = request_type.field_set_type
    field_sets = tuple(
        field_set_type.create(target)
        for target in targets
        if field_set_type.is_applicable(target) and not field_set_type.opt_out(target)
    )
    return rule_runner.request(Partitions, [request_type.PartitionRequest(field_sets)])


def _batches(elements: Sequence[T], size: int) -> Iterable[Tuple[T, ...]]:
    return (tuple(elements[start : start + size]) for start in range(0, len(elements), size))


def run_fix(rule_runner: RuleRunner, tool: str, *specs: str) -> int:
    before = _workspace_files(rule_runner)
    result = rule_runner.run_goal_rule(
        Fix,
        global_args=rule_runner_args(),
        args=[f"--only={tool}", *specs],
        env_inherit=set(RULE_RUNNER_ENV_INHERIT),
    )
    after = _workspace_files(rule_runner)
    # `fix` writes through the Workspace, which RuleRunner doesn't watch: re-write what changed
    # through RuleRunner so later requests see it instead of memoized results.
    rule_runner.write_files(
        {path: content for path, content in after.items() if before.get(path) != content}
    )
    return result.exit_code


def _workspace_files(rule_runner: RuleRunner) -> Dict[str, bytes]:
    root = Path(rule_runner.build_root)
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and not path.relative_to(root).parts[0].startswith(".")
    }


def read_options(subsystem: Type[SubsystemT], *args: str) -> SubsystemT:
    """`subsystem` as Pants reads it from these command-line options; a bad value raises the
    option error the user would see."""
    rule_runner = RuleRunner(rules=[*subsystem.rules(), QueryRule(subsystem, [])])
    rule_runner.set_options(args)
    return rule_runner.request(subsystem, [])
