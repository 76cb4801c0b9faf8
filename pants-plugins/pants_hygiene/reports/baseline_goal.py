"""`pants hygiene-baseline`: write `[hygiene-reports].baseline` from the current findings."""

from __future__ import annotations

from typing import Iterable

from pants.core.goals.lint import AbstractLintRequest, LintTargetsRequest
from pants.engine.console import Console
from pants.engine.fs import CreateDigest, FileContent, PathGlobs, SpecsPaths, Workspace
from pants.engine.goal import Goal, GoalSubsystem
from pants.engine.rules import collect_rules, goal_rule
from pants.engine.target import FilteredTargets
from pants.engine.unions import UnionMembership
from pants.option.option_types import BoolOption
from pants.util.strutil import pluralize, softwrap

from monorepo_hygiene.reports.baseline import Baseline, unchecked_entries, updated_baseline

from ..util.compat import (
    concurrently,
    create_digest,
    lint_file_partitions,
    lint_target_partitions,
    path_globs_to_paths,
)
from .rules import (
    HygieneLintBatch,
    LoadedBaseline,
    baseline_file,
    batch_findings,
    keys_of_findings,
    loaded_baseline,
)
from .subsystem import HygieneReportsSubsystem


class HygieneBaselineSubsystem(GoalSubsystem):
    name = "hygiene-baseline"
    help = "Write `[hygiene-reports].baseline`: accept every current hygiene lint finding."

    force = BoolOption(
        default=False,
        help=softwrap(
            """
            Write the baseline anew from the current findings even when the file there can't
            be read (not JSON, a wrong version, a bad entry): its entries are lost. Without it
            such a file is refused, not overwritten.
            """
        ),
    )


class HygieneBaseline(Goal):
    subsystem_cls = HygieneBaselineSubsystem
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


@goal_rule
async def hygiene_baseline(
    console: Console,
    workspace: Workspace,
    targets: FilteredTargets,
    specs_paths: SpecsPaths,
    reports: HygieneReportsSubsystem,
    subsystem: HygieneBaselineSubsystem,
    union_membership: UnionMembership,
) -> HygieneBaseline:
    if not reports.baseline:
        console.print_stderr(
            "No baseline file is configured: set `[hygiene-reports].baseline`, e.g. "
            '`baseline = "hygiene-baseline.json"` in pants.toml.'
        )
        return HygieneBaseline(exit_code=1)
    # The hygiene checks among `pants lint`'s, partitioned the way `lint` partitions them (one
    # batch per partition: findings don't depend on how `lint` splits partitions into batches).
    hygiene_batch_types = set(union_membership.get(HygieneLintBatch))
    request_types = [
        request_type
        for request_type in union_membership.get(AbstractLintRequest)
        if request_type.Batch in hygiene_batch_types
    ]
    all_partitions = await concurrently(
        lint_target_partitions(
            request_type.PartitionRequest(  # type: ignore[attr-defined]
                tuple(
                    request_type.field_set_type.create(target)  # type: ignore[attr-defined]
                    for target in targets
                    if request_type.field_set_type.is_applicable(  # type: ignore[attr-defined]
                        target
                    )
                )
            )
        )
        if issubclass(request_type, LintTargetsRequest)
        else lint_file_partitions(
            request_type.PartitionRequest(specs_paths.files)  # type: ignore[attr-defined]
        )
        for request_type in request_types
    )
    all_findings = await concurrently(
        batch_findings(
            request_type.Batch(request_type.tool_name, partition.elements, partition.metadata)
        )
        for request_type, partitions in zip(request_types, all_partitions)
        for partition in partitions
    )
    all_keys = await concurrently(keys_of_findings(found) for found in all_findings)
    if subsystem.force:
        # Where the file lies is still checked; what it holds is dropped.
        old = LoadedBaseline((await baseline_file()).path, Baseline.from_keys([]))
    else:
        old = await loaded_baseline()
    # Entries for paths this run didn't check stay, as long as their file or directory exists.
    unchecked = unchecked_entries(
        old.baseline, (path for found in all_findings for path in found.checked_paths)
    )
    existing = await path_globs_to_paths(
        PathGlobs(sorted({key.path.rstrip("/") for key in unchecked}))
    )
    update = updated_baseline(
        old.baseline,
        (key for keys in all_keys for key in keys.keys),
        unchecked,
        {*existing.files, *existing.dirs},
    )
    baseline = FileContent(old.path, content=update.baseline.render().encode())
    digest = await create_digest(CreateDigest([baseline]))
    workspace.write_digest(digest)
    console.print_stdout(
        f"Wrote {old.path}: "
        f"{pluralize(sum(update.baseline.as_counter().values()), 'finding')} accepted "
        f"({sum(update.added.values())} added, {sum(update.removed.values())} removed)."
    )
    for key in sorted(update.removed):
        console.print_stdout(f"  no longer found: {key.render()}")
    return HygieneBaseline(exit_code=0)


def rules() -> Iterable:
    return collect_rules()
