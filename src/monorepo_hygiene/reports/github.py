"""GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=CODE::message`.

A line in this shape anywhere in a job's log becomes an annotation on that line of the PR's diff.
Escaping follows the runner's rules: `%`, CR and LF in the message; also `:` and `,` in property
values, which would otherwise end the value.
"""

from __future__ import annotations

from typing import Iterable, List

from ..findings import Finding, Severity


def github_annotation(finding: Finding) -> str:
    command = "error" if finding.severity is Severity.ERROR else "warning"
    properties = ",".join(
        f"{key}={_escape_property(value)}"
        for key, value in (
            ("file", finding.path),
            ("line", str(finding.line)),
            ("col", str(finding.col)),
            ("title", finding.code),
        )
    )
    message = finding.message + (" [*] (fixable with `pants fix`)" if finding.fixable else "")
    return f"::{command} {properties}::{_escape_data(message)}"


def render_github_annotations(findings: Iterable[Finding]) -> List[str]:
    return [github_annotation(finding) for finding in sorted(findings)]


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")
