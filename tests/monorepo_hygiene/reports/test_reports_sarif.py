"""SARIF logs validated against OASIS's SARIF 2.1.0 JSON schema (vendored: sarif_schema/)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene import annotations, build_files, imports
from monorepo_hygiene.alembic import codes as alembic_codes
from monorepo_hygiene.findings import Finding, Severity
from monorepo_hygiene.reports.sarif import render_sarif
from monorepo_hygiene.rule_docs import RuleDoc

ALL_RULE_DOCS: List[RuleDoc] = [
    *annotations.RULE_DOCS,
    *imports.RULE_DOCS,
    *build_files.RULE_DOCS,
    *alembic_codes.RULE_DOCS,
]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads((Path(__file__).parent / "sarif_schema" / "sarif-2.1.0.json").read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(validator: jsonschema.Draft4Validator, log: Dict[str, Any]) -> List[str]:
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(log)]


# Paths with characters a URI must escape (space, `%`, `#`, non-ASCII) and directory paths.
paths = st.builds(
    lambda parts, end: "/".join(parts) + end,
    st.lists(st.sampled_from(["src", "my app", "é", "100%", "a#b", "pkg"]), min_size=1, max_size=4),
    st.sampled_from([".py", "/", "/BUILD"]),
)

findings_strategy = st.builds(
    Finding,
    path=paths,
    line=st.integers(min_value=1, max_value=10_000),
    col=st.integers(min_value=1, max_value=200),
    code=st.sampled_from([doc.code for doc in ALL_RULE_DOCS] + ["HX999"]),
    message=st.text(min_size=1, max_size=40),
    severity=st.sampled_from(Severity),
    fixable=st.booleans(),
)


# The machines that run these tests are shared and slow: no wall-clock health checks.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=st.lists(findings_strategy, max_size=10))
def test_any_findings_give_a_valid_log_with_one_result_each(
    validator: jsonschema.Draft4Validator, found: List[Finding]
) -> None:
    log = json.loads(render_sarif("hygiene-imports", imports.RULE_DOCS, found))
    assert _errors(validator, log) == []
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [(r["ruleId"], r["properties"]["fixable"]) for r in results] == [
        (f.code, f.fixable) for f in sorted(found)
    ]
    for result in results:
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        else:
            assert result["ruleId"] not in {doc.code for doc in imports.RULE_DOCS}


def test_every_rule_of_the_suite_is_described_from_its_docs(
    validator: jsonschema.Draft4Validator,
) -> None:
    log = json.loads(render_sarif("all", ALL_RULE_DOCS, []))
    assert _errors(validator, log) == []
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [doc.code for doc in ALL_RULE_DOCS]
    for rule, doc in zip(rules, ALL_RULE_DOCS):
        assert rule["help"]["text"] == doc.render()
        assert rule["shortDescription"]["text"]
        assert "\n" not in rule["shortDescription"]["text"]


def test_a_result_names_its_place_rule_level_and_fixability() -> None:
    finding = Finding(
        "src/shop/models/user.py",
        2,
        5,
        "HI101",
        "Use a relative import for `shop.util`",
        Severity.WARNING,
        fixable=True,
    )
    log = json.loads(render_sarif("hygiene-imports", imports.RULE_DOCS, [finding]))
    (result,) = log["runs"][0]["results"]
    assert result == {
        "ruleId": "HI101",
        "ruleIndex": [doc.code for doc in imports.RULE_DOCS].index("HI101"),
        "level": "warning",
        "message": {"text": "Use a relative import for `shop.util`"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "src/shop/models/user.py",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 2, "startColumn": 5},
                }
            }
        ],
        "properties": {"fixable": True},
    }


def test_a_broken_log_is_caught_by_the_schema(validator: jsonschema.Draft4Validator) -> None:
    """The oracle can fail: a log with a zero line number is rejected."""
    log = json.loads(
        render_sarif("t", [], [Finding("a.py", 1, 1, "HA101", "m")]).replace(
            '"startLine": 1', '"startLine": 0'
        )
    )
    assert any("startLine" in error for error in _errors(validator, log))


def test_baselined_findings_are_suppressed_results(validator: jsonschema.Draft4Validator) -> None:
    shown = Finding("a.py", 1, 1, "HA101", "shown")
    accepted = Finding("a.py", 5, 1, "HA101", "accepted")
    log = json.loads(
        render_sarif("hygiene-annotations", annotations.RULE_DOCS, [shown], [accepted])
    )
    assert _errors(validator, log) == []
    results = log["runs"][0]["results"]
    assert [(r["message"]["text"], r.get("suppressions")) for r in results] == [
        ("shown", None),
        ("accepted", [{"kind": "external", "justification": "accepted by the hygiene baseline"}]),
    ]
