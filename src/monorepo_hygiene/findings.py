"""Findings: what every checker in the suite reports, in one shape.

A finding names a place (path, 1-based line, 1-based column), a stable code and a short message
with names in backticks, as ruff does. Checkers return findings; renderers never recompute them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR
    fixable: bool = False

    def render(self) -> str:
        suffix = " [*]" if self.fixable else ""
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}{suffix}"

    def to_json(self) -> Dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "severity": self.severity.value,
            "fixable": self.fixable,
        }

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Finding":
        return cls(
            path=data["path"],
            line=data["line"],
            col=data["col"],
            code=data["code"],
            message=data["message"],
            severity=Severity(data["severity"]),
            fixable=data["fixable"],
        )


def render_findings(findings: Iterable[Finding]) -> List[str]:
    """Sorted, one line per finding, the order a reader scans a file in."""
    return [finding.render() for finding in sorted(findings)]
