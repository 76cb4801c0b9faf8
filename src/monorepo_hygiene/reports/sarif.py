"""SARIF 2.1.0: one run per check, the rules from their ruff-shaped docs, one result per finding.

Code-review tools (GitHub code scanning, GitLab, Azure DevOps) read this format. A result names
its rule by id and index, its place by a repo-relative URI and a 1-based line and column; whether
`pants fix` can fix it travels in the result's property bag (`properties.fixable`), as SARIF's own
`fixes` would need the replacement text, which the checkers only produce when fixing. Findings
accepted by a baseline are results with an external suppression, as SARIF models baselines.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, Dict, Iterable, Sequence
from urllib.parse import quote

from ..findings import Finding, Severity
from ..rule_docs import RuleDoc

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_BASELINE_SUPPRESSION = {"kind": "external", "justification": "accepted by the hygiene baseline"}


def sarif_log(
    tool_name: str,
    rule_docs: Sequence[RuleDoc],
    findings: Iterable[Finding],
    suppressed: Iterable[Finding] = (),
) -> Dict[str, Any]:
    """A SARIF log with one run of `tool_name`: every documented rule, then the findings, then
    the `suppressed` ones (accepted by the baseline)."""
    rule_index = {doc.code: index for index, doc in enumerate(rule_docs)}
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool_name,
                        "rules": [_rule(doc) for doc in rule_docs],
                    }
                },
                "results": [
                    *(_result(finding, rule_index) for finding in sorted(findings)),
                    *(
                        {**_result(finding, rule_index), "suppressions": [_BASELINE_SUPPRESSION]}
                        for finding in sorted(suppressed)
                    ),
                ],
            }
        ],
    }


def render_sarif(
    tool_name: str,
    rule_docs: Sequence[RuleDoc],
    findings: Iterable[Finding],
    suppressed: Iterable[Finding] = (),
) -> str:
    log = sarif_log(tool_name, rule_docs, findings, suppressed)
    return json.dumps(log, indent=2, sort_keys=True) + "\n"


def _rule(doc: RuleDoc) -> Dict[str, Any]:
    what_it_does = _text(doc.what_it_does)
    return {
        "id": doc.code,
        "name": doc.name,
        # The first paragraph: code-review tools show it as the rule's title.
        "shortDescription": {"text": what_it_does.split("\n\n")[0].replace("\n", " ")},
        "fullDescription": {"text": what_it_does},
        "help": {"text": doc.render()},
        "properties": {"fixSafety": _text(doc.fix_safety)},
    }


def _result(finding: Finding, rule_index: Dict[str, int]) -> Dict[str, Any]:
    result: Dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error" if finding.severity is Severity.ERROR else "warning",
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line, "startColumn": finding.col},
                }
            }
        ],
        "properties": {"fixable": finding.fixable},
    }
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    return result


def _text(doc_text: str) -> str:
    return textwrap.dedent(doc_text).strip("\n")
