"""`[hygiene-reports]` in a RuleRunner: SARIF as the lint batch's report, GitHub annotations,
check-alembic's SARIF file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from pants.backend.python.target_types import PythonSourceField
from pants.base.specs import RawSpecs, RecursiveGlobSpec
from pants.core.goals.lint import LintResult
from pants.core.util_rules.partitions import Partitions
from pants.engine.fs import Digest, DigestContents
from pants.engine.rules import QueryRule
from pants.engine.target import Targets
from pants.testutil.python_rule_runner import PythonRuleRunner
from pants.testutil.rule_runner import RuleRunner

from monorepo_hygiene.annotations import RULE_DOCS
from pants_hygiene.alembic import register as alembic_register
from pants_hygiene.alembic.check_goal import CheckAlembic
from pants_hygiene.annotations import register
from pants_hygiene.annotations.rules import AnnotationsFieldSet, AnnotationsLintRequest
from tests.pants_hygiene.offline_pants import RULE_RUNNER_ENV_INHERIT, rule_runner_args
from tests.pants_hygiene.plugin_testing import python_lint_rule_runner, run_lint

SOURCE = """\
def load(path):
    return open(path).read()


def main():
    print(load("x"))
"""


@pytest.fixture
def rule_runner() -> PythonRuleRunner:
    runner = python_lint_rule_runner(
        [*register.rules(), QueryRule(DigestContents, [Digest])], AnnotationsLintRequest
    )
    runner.write_files({"src/app/BUILD": "python_sources()", "src/app/jobs.py": SOURCE})
    return runner


def _lint_result(rule_runner: PythonRuleRunner, *args: str) -> LintResult:
    rule_runner.set_options([*rule_runner_args(), *args], env_inherit=set(RULE_RUNNER_ENV_INHERIT))
    targets = rule_runner.request(
        Targets,
        [RawSpecs.create([RecursiveGlobSpec("src/app")], description_of_origin="the test")],
    )
    field_sets = tuple(
        AnnotationsFieldSet.create(t) for t in targets if t.has_field(PythonSourceField)
    )
    partitions = rule_runner.request(
        Partitions, [AnnotationsLintRequest.PartitionRequest(field_sets)]
    )
    (partition,) = partitions
    return rule_runner.request(
        LintResult,
        [
            AnnotationsLintRequest.Batch(
                "hygiene-annotations", partition.elements, partition.metadata
            )
        ],
    )


def test_the_sarif_report_holds_the_findings_and_the_rule_docs(
    rule_runner: PythonRuleRunner,
) -> None:
    result = _lint_result(rule_runner, "--hygiene-reports-sarif")
    (report,) = rule_runner.request(DigestContents, [result.report])
    assert report.path == "hygiene-annotations.sarif"
    log = json.loads(report.content)
    (run,) = log["runs"]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "hygiene-annotations"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [d.code for d in RULE_DOCS]
    assert [_where(result_) for result_ in run["results"]] == [
        "src/app/jobs.py:1:1 HA101 fixable=False",
        "src/app/jobs.py:5:1 HA101 fixable=True",
    ]
    # The same findings as the text the batch prints.
    assert result.stdout.splitlines()[:2] == [
        "src/app/jobs.py:1:1: HA101 Missing return annotation for function `load`",
        "src/app/jobs.py:5:1: HA101 Missing return annotation for function `main` [*]",
    ]


def _where(result: Dict[str, Any]) -> str:
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    return (
        f"{location['artifactLocation']['uri']}:{region['startLine']}:{region['startColumn']} "
        f"{result['ruleId']} fixable={result['properties']['fixable']}"
    )


def test_no_report_unless_asked(rule_runner: PythonRuleRunner) -> None:
    assert rule_runner.request(
        DigestContents, [_lint_result(rule_runner).report]
    ) == DigestContents([])


def test_github_output_style_prints_workflow_commands(rule_runner: PythonRuleRunner) -> None:
    assert run_lint(
        rule_runner, AnnotationsLintRequest, ["src/app"], "--hygiene-reports-output-style=github"
    ) == (
        1,
        "::error file=src/app/jobs.py,line=1,col=1,title=HA101::"
        "Missing return annotation for function `load`\n"
        "::error file=src/app/jobs.py,line=5,col=1,title=HA101::"
        "Missing return annotation for function `main` [*] (fixable with `pants fix`)\n"
        "Found 2 findings (1 fixable with `pants fix`, marked [*]).\n",
    )


def test_check_alembic_writes_its_sarif_file_under_dist() -> None:
    runner = RuleRunner(rules=alembic_register.rules())
    runner.set_options(["--source-root-patterns=['/src', '/']"])
    runner.write_files(
        {
            "svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "svc/migrations/versions/b2.py": 'revision = "b2"\ndown_revision = "a1"\n',
            "svc/migrations/versions/c3.py": 'revision = "c3"\ndown_revision = "a1"\n',
        }
    )
    result = runner.run_goal_rule(CheckAlembic, args=["--hygiene-reports-sarif", "::"])
    assert result.exit_code == 1
    sarif = Path(runner.build_root, "dist/check-alembic/check-alembic.sarif")
    run = json.loads(sarif.read_text())["runs"][0]
    results: List[Dict[str, Any]] = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("HM101", "error")]
    assert run["tool"]["driver"]["rules"][results[0]["ruleIndex"]]["id"] == "HM101"
    assert "Multiple heads `b2`, `c3`" in results[0]["message"]["text"]


def test_check_alembic_writes_nothing_unless_asked() -> None:
    runner = RuleRunner(rules=alembic_register.rules())
    runner.write_files({"svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n"})
    runner.run_goal_rule(CheckAlembic, args=["::"])
    assert not Path(runner.build_root, "dist").exists()


def test_the_baseline_hides_accepted_findings_and_fails_on_stale_entries(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "hygiene-baseline.json": (
                '{"version": 1, "entries": [\n'
                '  {"code": "HA101", "count": 1, "path": "src/app/jobs.py", "statement": "def load ( path ) :"},\n'
                '  {"code": "HA101", "count": 1, "path": "src/app/jobs.py", "statement": "def gone ( ) :"},\n'
                '  {"code": "HI101", "count": 1, "path": "src/app/jobs.py", "statement": "import os"}\n'
                "]}\n"
            )
        }
    )
    result = _lint_result(
        rule_runner, "--hygiene-reports-baseline=hygiene-baseline.json", "--hygiene-reports-sarif"
    )
    assert (result.exit_code, result.stdout) == (
        1,
        "src/app/jobs.py:5:1: HA101 Missing return annotation for function `main` [*]\n"
        "Found 1 finding (1 fixable with `pants fix`, marked [*]).\n"
        "1 finding accepted by the baseline `hygiene-baseline.json` not shown.\n"
        "Stale entries in the baseline `hygiene-baseline.json` (their findings are gone; remove "
        "them with `pants hygiene-baseline ::`):\n"
        "  src/app/jobs.py: HA101 `def gone ( ) :`\n",
    )
    (report,) = rule_runner.request(DigestContents, [result.report])
    results = json.loads(report.content)["runs"][0]["results"]
    assert [
        (r["locations"][0]["physicalLocation"]["region"]["startLine"], "suppressions" in r)
        for r in results
    ] == [
        (5, False),
        (1, True),
    ]


def test_a_broken_baseline_names_the_option_and_the_file(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files({"hygiene-baseline.json": '{"version": 1}'})
    with pytest.raises(Exception) as error:
        _lint_result(rule_runner, "--hygiene-reports-baseline=hygiene-baseline.json")
    assert (
        '`[hygiene-reports].baseline`: hygiene-baseline.json: expected "entries" to be a list'
        in str(error.value)
    )


@pytest.mark.parametrize(
    "files, path, problem",
    [
        ({"bl/x.json": ""}, "bl", "`bl` is a directory, not a file"),
        ({"dist/bl.json": '{"version": 1, "entries": []}'}, "dist/bl.json", "Pants ignores"),
        # Not written yet, where `hygiene-baseline` would write it for nothing.
        ({"dist/other.txt": ""}, "dist/bl.json", "Pants ignores"),
    ],
)
def test_a_baseline_pants_cannot_read_is_an_error(
    rule_runner: PythonRuleRunner, files: Dict[str, str], path: str, problem: str
) -> None:
    rule_runner.write_files(files)
    with pytest.raises(Exception) as error:
        _lint_result(rule_runner, f"--hygiene-reports-baseline={path}")
    assert "`[hygiene-reports].baseline`: " in str(error.value)
    assert problem in str(error.value)
