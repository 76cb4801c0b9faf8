"""Turning checker findings into `pants lint` and `pants fix` output, the same for every backend."""

from __future__ import annotations

from typing import Sequence

from pants.util.strutil import pluralize

from monorepo_hygiene.findings import Finding, Severity, render_findings


def render_lint_report(findings: Sequence[Finding]) -> str:
    if not findings:
        return ""
    lines = render_findings(findings)
    fixable = sum(1 for finding in findings if finding.fixable)
    summary = f"Found {pluralize(len(findings), 'finding')}"
    if fixable:
        summary += f" ({fixable} fixable with `pants fix`, marked [*])"
    return "\n".join([*lines, summary + "."]) + "\n"


def lint_exit_code(findings: Sequence[Finding]) -> int:
    return 1 if any(finding.severity == Severity.ERROR for finding in findings) else 0
