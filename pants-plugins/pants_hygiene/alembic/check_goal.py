"""`pants check-alembic`: static checks of every Alembic history the specs touch."""

from __future__ import annotations

from typing import Iterable

from pants.engine.console import Console
from pants.engine.fs import (
    CreateDigest,
    Digest,
    DigestContents,
    FileContent,
    PathGlobs,
    SpecsPaths,
    Workspace,
)
from pants.engine.goal import Goal
from pants.engine.rules import Get, MultiGet, collect_rules, goal_rule

from monorepo_hygiene.alembic.check import (
    CheckOptions,
    check_history,
    exit_code,
    render_json,
    render_mermaid,
    render_text,
)

from .discovery import AlembicHistories
from .subsystem import CheckAlembicSubsystem, OutputFormat


class CheckAlembic(Goal):
    subsystem_cls = CheckAlembicSubsystem
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


@goal_rule
async def check_alembic(
    console: Console,
    subsystem: CheckAlembicSubsystem,
    specs_paths: SpecsPaths,
    workspace: Workspace,
) -> CheckAlembic:
    found = await Get(AlembicHistories, SpecsPaths, specs_paths)
    contents = await MultiGet(
        Get(DigestContents, PathGlobs(history.migration_paths)) for history in found.histories
    )
    options = CheckOptions(
        allow_labeled_branches=subsystem.allow_labeled_branches,
        check_syntax=subsystem.check_syntax,
        draw_graph=subsystem.draw_graph,
        mermaid=subsystem.mermaid_file is not None,
    )
    reports = tuple(
        check_history(
            history.name,
            {file.path: file.content for file in history_contents},
            options,
            found_by=history.found_by,
        )
        for history, history_contents in zip(found.histories, contents)
    )
    if subsystem.mermaid_file is not None:
        mermaid = await Get(
            Digest,
            CreateDigest(
                [FileContent(subsystem.mermaid_file, render_mermaid(reports).encode("utf-8"))]
            ),
        )
        workspace.write_digest(mermaid)
    if subsystem.output_format == OutputFormat.json:
        console.print_stdout(
            render_json(reports, found.config_errors, subsystem.warnings_as_errors)
        )
    else:
        console.print_stdout(render_text(reports, found.config_errors))
    return CheckAlembic(
        exit_code=exit_code(reports, found.config_errors, subsystem.warnings_as_errors)
    )


def rules() -> Iterable:
    return collect_rules()
