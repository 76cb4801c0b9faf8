"""`pants check-alembic`: static checks of every Alembic history the specs touch."""

from __future__ import annotations

from typing import Iterable, Tuple

from pants.core.util_rules.distdir import DistDir
from pants.engine.console import Console
from pants.engine.fs import CreateDigest, FileContent, PathGlobs, SpecsPaths, Workspace
from pants.engine.goal import Goal
from pants.engine.rules import collect_rules, goal_rule

from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.alembic.codes import RULE_DOCS
from monorepo_hygiene.alembic.conventions import ConventionOptions
from monorepo_hygiene.alembic.errors import ReleaseMarkerError
from monorepo_hygiene.alembic.head_marker import MarkerFile, head_marker_path
from monorepo_hygiene.alembic.report import (
    HistoryReport,
    config_error_finding,
    exit_code,
    render_json,
    render_mermaid,
    render_text,
)

from ..util.compat import concurrently, create_digest, path_globs_to_digest_contents
from ..reports.rules import sarif_file
from ..reports.subsystem import HygieneReportsSubsystem
from .discovery import find_histories_in_specs
from .subsystem import CheckAlembicSubsystem, OutputFormat


class CheckAlembic(Goal):
    subsystem_cls = CheckAlembicSubsystem
    environment_behavior = Goal.EnvironmentBehavior.LOCAL_ONLY


@goal_rule
async def check_alembic(
    console: Console,
    subsystem: CheckAlembicSubsystem,
    specs_paths: SpecsPaths,
    reports_subsystem: HygieneReportsSubsystem,
    workspace: Workspace,
    dist_dir: DistDir,
) -> CheckAlembic:
    found = await find_histories_in_specs(specs_paths)
    contents = await concurrently(
        path_globs_to_digest_contents(PathGlobs(history.migration_paths))
        for history in found.histories
    )
    markers = (
        tuple(head_marker_path(history.versions_dirs) for history in found.histories)
        if subsystem.head_marker
        else ()
    )
    marker_contents = await concurrently(
        path_globs_to_digest_contents(PathGlobs([path])) for path in markers
    )
    marker_files = [
        MarkerFile(path, marker[0].content if marker else None)
        for path, marker in zip(markers, marker_contents)
    ]
    try:
        release_marker = subsystem.parsed_release_marker()
    except ReleaseMarkerError as e:
        console.print_stderr(str(e))
        return CheckAlembic(exit_code=1)
    options = CheckOptions(
        allow_labeled_branches=subsystem.allow_labeled_branches,
        check_syntax=subsystem.check_syntax,
        draw_graph=subsystem.draw_graph,
        mermaid=subsystem.mermaid_file is not None,
        conventions=ConventionOptions(
            release_marker=release_marker,
            required_after=subsystem.release_marker_required_after,
            allow_placeholder=subsystem.release_marker_allow_placeholder,
            offline_reads=subsystem.check_offline_reads,
            option_names=(
                f"[{subsystem.name}].release_marker",
                f"[{subsystem.name}].release_marker_required_after",
            ),
        ),
    )
    # path -> content of each history's files, and of its marker: `--fix` writes over them.
    files = [
        {file.path: file.content for file in history_contents} for history_contents in contents
    ]

    def check_all() -> Tuple[HistoryReport, ...]:
        return tuple(
            check_history(
                history.name,
                files[position],
                options,
                found_by=history.found_by,
                head_marker=marker_files[position] if marker_files else None,
            )
            for position, history in enumerate(found.histories)
        )
    reports = check_all()
    fixes = [fix for report in reports for fix in report.fixes]
    if subsystem.fix and fixes:
        written = await create_digest(
            CreateDigest([FileContent(path, content=content) for path, content in fixes])
        )
        workspace.write_digest(written)
        fixed = dict(fixes)
        for history_files in files:
            history_files.update((path, fixed[path]) for path in history_files if path in fixed)
        marker_files = [
            MarkerFile(marker.path, fixed.get(marker.path, marker.content))
            for marker in marker_files
        ]
        console.print_stderr("Fixed: " + ", ".join(path for path, _ in fixes))
        reports = check_all()  # What is left, as the files now are.
    if subsystem.output_format == OutputFormat.json:
        console.print_stdout(
            render_json(reports, found.config_errors, subsystem.warnings_as_errors)
        )
    else:
        console.print_stdout(render_text(reports, found.config_errors))
    if reports_subsystem.sarif:
        findings = [
            *map(config_error_finding, found.config_errors),
            *(finding for report in reports for finding in report.findings),
        ]
        sarif = await create_digest(CreateDigest([sarif_file(subsystem.name, RULE_DOCS, findings)]))
        workspace.write_digest(sarif, path_prefix=str(dist_dir.relpath / subsystem.name))
    code = exit_code(reports, found.config_errors, subsystem.warnings_as_errors)
    # Written after the findings are printed: a path that can't be written must not hide them.
    if subsystem.mermaid_file is not None:
        mermaid = await create_digest(
            CreateDigest(
                [
                    FileContent(
                        subsystem.mermaid_file, content=render_mermaid(reports).encode("utf-8")
                    )
                ]
            )
        )
        try:
            workspace.write_digest(mermaid)
        except Exception as e:  # noqa: BLE001 - the engine's error for a path it can't write.
            console.print_stderr(
                f"Cannot write `[check-alembic].mermaid_file` (`{subsystem.mermaid_file}`): {e}"
            )
            code = 1
    return CheckAlembic(exit_code=code)


def rules() -> Iterable:
    return collect_rules()
