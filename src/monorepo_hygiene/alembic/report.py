"""What `check-alembic` prints: findings, then one summary line per history; or JSON.

Configuration errors (an `alembic.ini` whose histories can't be found) are reported as HM100
findings on the ini, ahead of the histories.

JSON shape (`render_json`), keys stable:

    {
      "exit_code": 0 | 1,             # the goal's: 1 when any history has an error finding
                                      # (any finding, with `warnings_as_errors`) or any
                                      # configuration error was found
      "config_errors": [Finding.to_json(), ...],  # HM100 findings
      "histories": [
        {
          "name": str,                # the history's versions directory
          "revision_count": int,      # migrations read (unreadable files excluded)
          "heads": [str, ...],        # sorted revision ids
          "bases": [str, ...],        # sorted revision ids
          "found_by": [str, ...],     # config files, or `<dir>/env.py (no config)`
          "exit_code": 0 | 1,
          "findings": [Finding.to_json(), ...]  # path, line, col, code, message, severity, fixable
        },
        ...
      ]
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ..findings import Finding, Severity, render_findings
from .codes import INVALID_ALEMBIC_CONFIG
from .errors import AlembicConfigError


@dataclass(frozen=True)
class HistoryReport:
    name: str
    findings: Tuple[Finding, ...]
    revision_count: int
    heads: Tuple[str, ...]
    bases: Tuple[str, ...] = ()
    # How the history was found (its config files, or its script directory's shape).
    found_by: Tuple[str, ...] = ()
    # With several heads: the fork point(s) up to each head, drawn as text lines and as Mermaid.
    drawing: Tuple[str, ...] = ()
    mermaid: Optional[str] = None
    # (path, new content) of each file `check-alembic --fix` writes.
    fixes: Tuple[Tuple[str, bytes], ...] = ()

    @property
    def exit_code(self) -> int:
        return 1 if self.failed() else 0

    def failed(self, warnings_as_errors: bool = False) -> bool:
        return any(
            warnings_as_errors or finding.severity is Severity.ERROR for finding in self.findings
        )

    def summary_line(self) -> str:
        """`<name>: 484 revisions, 1 head c5a9d2e1f0b3`, plus finding counts when there are any."""
        line = (
            f"{self.name}: {_count(self.revision_count, 'revision')}, "
            f"{_count(len(self.heads), 'head')}"
        )
        if self.heads:
            line += " " + ", ".join(self.heads)
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        warnings = len(self.findings) - errors
        counts = [_count(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n]
        if counts:
            line += "; " + ", ".join(counts)
        if self.found_by:
            line += f" (found by {', '.join(self.found_by)})"
        return line

    def to_json(self, warnings_as_errors: bool = False) -> Dict[str, Any]:
        return {
            "name": self.name,
            "revision_count": self.revision_count,
            "heads": list(self.heads),
            "bases": list(self.bases),
            "found_by": list(self.found_by),
            "exit_code": 1 if self.failed(warnings_as_errors) else 0,
            "findings": [finding.to_json() for finding in self.findings],
        }


def config_error_finding(error: AlembicConfigError) -> Finding:
    return Finding(
        path=error.path,
        line=error.line or 1,
        col=1,
        code=INVALID_ALEMBIC_CONFIG,
        message=error.reason,
    )


def render_text(
    reports: Sequence[HistoryReport], config_errors: Sequence[AlembicConfigError] = ()
) -> str:
    """Configuration errors, every finding (sorted, as `render_findings` does), the drawing of
    each history with several heads, then one summary line per history."""
    lines: List[str] = render_findings(config_error_finding(e) for e in config_errors)
    lines += render_findings(f for report in reports for f in report.findings)
    for report in reports:
        if report.drawing:
            lines.append(f"{report.name}:")
            lines.extend(f"  {line}" for line in report.drawing)
    lines += [report.summary_line() for report in reports]
    return "\n".join(lines)


def render_mermaid(reports: Sequence[HistoryReport]) -> str:
    """Markdown with one Mermaid `flowchart` per history with several heads, for a PR comment or
    a CI job summary (GitHub renders it)."""
    sections = [
        f"### `{report.name}`: heads {', '.join(f'`{h}`' for h in report.heads)}\n\n"
        f"```mermaid\n{report.mermaid}```\n"
        for report in reports
        if report.mermaid
    ]
    return "\n".join(sections) if sections else "No Alembic history has several heads.\n"


def exit_code(
    reports: Iterable[HistoryReport],
    config_errors: Sequence[AlembicConfigError] = (),
    warnings_as_errors: bool = False,
) -> int:
    """The goal's exit code, which the JSON document repeats: 1 on any configuration error or
    any error finding (any finding at all with `warnings_as_errors`)."""
    failed = bool(config_errors) or any(report.failed(warnings_as_errors) for report in reports)
    return 1 if failed else 0


def render_json(
    reports: Sequence[HistoryReport],
    config_errors: Sequence[AlembicConfigError] = (),
    warnings_as_errors: bool = False,
) -> str:
    document = {
        "exit_code": exit_code(reports, config_errors, warnings_as_errors),
        "config_errors": [
            finding.to_json() for finding in sorted(config_error_finding(e) for e in config_errors)
        ],
        "histories": [report.to_json(warnings_as_errors) for report in reports],
    }
    return json.dumps(document, indent=2, sort_keys=True)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
