"""`[hygiene-reports]`: how every hygiene check reports, for code review and CI.

The lint backends hand their findings to one rule here, which renders them (plain text or GitHub
Actions annotations) and attaches a SARIF file as the batch's `LintResult.report`; Pants writes
reports under `dist/lint/<tool>/`; `check-alembic` writes its `sarif_file` under
`dist/check-alembic/`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterable, Tuple

from pants.core.goals.lint import AbstractLintRequest, LintResult
from pants.engine.fs import CreateDigest, Digest, FileContent
from pants.engine.rules import Get, collect_rules, rule
from pants.option.option_types import BoolOption, EnumOption
from pants.option.subsystem import Subsystem
from pants.util.strutil import softwrap

from monorepo_hygiene.findings import Finding
from monorepo_hygiene.reports.sarif import render_sarif
from monorepo_hygiene.rule_docs import RuleDoc

from .lint import OutputStyle, lint_result


class HygieneReportsSubsystem(Subsystem):
    options_scope = "hygiene-reports"
    help = "How the hygiene checks report: SARIF files for code review, GitHub annotations."

    sarif = BoolOption(
        default=False,
        help=softwrap(
            """
            Write a SARIF 2.1.0 report per check: `pants lint` writes
            `dist/lint/<tool>/<tool>.sarif` (a subdirectory per batch when a check runs in
            several), `pants check-alembic` writes `dist/check-alembic/check-alembic.sarif`.
            Upload them to a code-review tool, e.g. GitHub's `upload-sarif` action.
            """
        ),
    )
    output_style = EnumOption(
        default=OutputStyle.text,
        help=softwrap(
            """
            How `pants lint` prints findings: `text` (`path:line:col: CODE message`) or `github`
            (GitHub Actions workflow commands, `::error file=...,line=...,col=...,title=CODE::...`,
            which show each finding inline on the pull request's diff).
            """
        ),
    )


@dataclass(frozen=True)
class HygieneLintFindings:
    """A lint batch's findings, with the docs of the rules its check can report."""

    batch: AbstractLintRequest.Batch
    findings: Tuple[Finding, ...]
    rule_docs: Tuple[RuleDoc, ...]


def sarif_file(tool_name: str, rule_docs: Iterable[RuleDoc], findings: Iterable[Finding]) -> FileContent:
    return FileContent(f"{tool_name}.sarif", render_sarif(tool_name, tuple(rule_docs), findings).encode())


@rule
async def hygiene_lint_result(
    request: HygieneLintFindings, subsystem: HygieneReportsSubsystem
) -> LintResult:
    result = lint_result(request.batch, request.findings, subsystem.output_style)
    if not subsystem.sarif:
        return result
    report = await Get(
        Digest,
        CreateDigest([sarif_file(request.batch.tool_name, request.rule_docs, request.findings)]),
    )
    return dataclasses.replace(result, report=report)


def rules() -> Iterable:
    return collect_rules()
