"""Turning checker findings into `pants lint` output, the same for every backend."""

from __future__ import annotations

from enum import Enum
from typing import Sequence

from pants.core.goals.lint import AbstractLintRequest, LintResult
from pants.util.strutil import pluralize

from monorepo_hygiene.findings import Finding, Severity, render_findings
from monorepo_hygiene.reports.github import render_github_annotations


class OutputStyle(Enum):
    text = "text"
    github = "github"


def render_lint_report(findings: Sequence[Finding], style: OutputStyle = OutputStyle.text) -> str:
    if not findings:
        return ""
    if style is OutputStyle.github:
        lines = render_github_annotations(findings)
    else:
        lines = render_findings(findings)
    fixable = sum(1 for finding in findings if finding.fixable)
    summary = f"Found {pluralize(len(findings), 'finding')}"
    if fixable:
        summary += f" ({fixable} fixable with `pants fix`, marked [*])"
    return "\n".join([*lines, summary + "."]) + "\n"


def lint_exit_code(findings: Sequence[Finding]) -> int:
    return 1 if any(finding.severity == Severity.ERROR for finding in findings) else 0


def lint_result(
    request: AbstractLintRequest.Batch,
    findings: Sequence[Finding],
    style: OutputStyle = OutputStyle.text,
) -> LintResult:
    return LintResult(
        exit_code=lint_exit_code(findings),
        stdout=render_lint_report(findings, style),
        stderr="",
        linter_name=request.tool_name,
        partition_description=request.partition_metadata.description,
    )

