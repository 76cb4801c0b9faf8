"""`pants rebase-alembic`: the history rewrite itself is the core's `run_rebase`; this goal finds
the histories in the specs and hands over the options."""

from __future__ import annotations

from typing import Iterable

from pants.base.build_root import BuildRoot
from pants.engine.console import Console
from pants.engine.fs import SpecsPaths
from pants.engine.goal import Goal
from pants.engine.rules import collect_rules, goal_rule

from monorepo_hygiene.alembic.errors import ReleaseMarkerError
from monorepo_hygiene.alembic.head_marker import head_marker_path
from monorepo_hygiene.alembic.rebase import RebaseRequest, run_rebase

from .discovery import find_histories_in_specs
from .subsystem import CheckAlembicSubsystem, RebaseAlembicSubsystem


class RebaseAlembic(Goal):
    subsystem_cls = RebaseAlembicSubsystem
    # It edits the workspace and asks git about the working tree: only meaningful locally.
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


@goal_rule
async def rebase_alembic(
    console: Console,
    subsystem: RebaseAlembicSubsystem,
    check_subsystem: CheckAlembicSubsystem,
    specs_paths: SpecsPaths,
    build_root: BuildRoot,
) -> RebaseAlembic:
    found = await find_histories_in_specs(specs_paths)
    if not found.histories:
        console.print_stderr("No Alembic history in the given specs: nothing to rebase.")
        return RebaseAlembic(exit_code=0)
    explicit = bool(subsystem.onto or subsystem.revisions)
    if explicit and len(found.histories) > 1:
        names = ", ".join(history.name for history in found.histories)
        console.print_stderr(
            f"`--onto`/`--revisions` name revisions of one history, but the specs hold "
            f"{len(found.histories)}: {names}. Pass the directory of one of them."
        )
        return RebaseAlembic(exit_code=1)
    try:
        release_marker = check_subsystem.parsed_release_marker()
    except ReleaseMarkerError as e:
        console.print_stderr(str(e))
        return RebaseAlembic(exit_code=1)
    exit_code = 0
    for history in found.histories:
        outcome = run_rebase(
            RebaseRequest(
                repo_root=build_root.path,
                versions_dirs=history.versions_dirs,
                base_ref=subsystem.base_ref,
                onto=subsystem.onto,
                revisions=tuple(subsystem.revisions),
                check=subsystem.check,
                force=subsystem.force,
                allow_dirty=subsystem.allow_dirty,
                strategy=subsystem.strategy.value,
                recursive=history.recursive,
                file_template=history.file_template,
                script_dir=history.script_dir,
                fix_command=f"pants rebase-alembic {history.script_dir}::",
                migration_paths=history.migration_paths,
                head_marker=(
                    head_marker_path(history.versions_dirs) if check_subsystem.head_marker else None
                ),
                release_refs=tuple(subsystem.release_refs),
                release_marker=release_marker,
            )
        )
        if outcome.output:
            console.print_stdout(outcome.output.rstrip("\n"))
        exit_code = max(exit_code, outcome.exit_code)
    return RebaseAlembic(exit_code=exit_code)


def rules() -> Iterable:
    return collect_rules()
