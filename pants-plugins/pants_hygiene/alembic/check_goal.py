"""`pants check-alembic`: static checks of every Alembic history the specs touch."""

from __future__ import annotations

from typing import Iterable

from pants.engine.console import Console
from pants.engine.fs import PathGlobs, SpecsPaths
from pants.engine.goal import Goal
from pants.engine.rules import collect_rules, goal_rule

from monorepo_hygiene.alembic.check import CheckOptions, check_history, render_json, render_text

from ..util.compat import concurrently, path_globs_to_digest_contents
from .discovery import find_histories_in_specs
from .subsystem import CheckAlembicSubsystem, OutputFormat


class CheckAlembic(Goal):
    subsystem_cls = CheckAlembicSubsystem
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


@goal_rule
async def check_alembic(
    console: Console, subsystem: CheckAlembicSubsystem, specs_paths: SpecsPaths
) -> CheckAlembic:
    found = await find_histories_in_specs(specs_paths)
    contents = await concurrently(
        path_globs_to_digest_contents(PathGlobs(history.migration_paths))
        for history in found.histories
    )
    options = CheckOptions(
        allow_labeled_branches=subsystem.allow_labeled_branches,
        check_syntax=subsystem.check_syntax,
    )
    reports = tuple(
        check_history(history.name, {file.path: file.content for file in history_contents}, options)
        for history, history_contents in zip(found.histories, contents)
    )
    if subsystem.output_format == OutputFormat.json:
        console.print_stdout(render_json(reports, found.config_errors))
    else:
        console.print_stdout(render_text(reports, found.config_errors))
    failed = bool(found.config_errors) or any(
        report.failed(warnings_as_errors=subsystem.warnings_as_errors) for report in reports
    )
    return CheckAlembic(exit_code=1 if failed else 0)


def rules() -> Iterable:
    return collect_rules()
