from __future__ import annotations

import json
from textwrap import dedent
from typing import Optional, Tuple

import pytest
from pants.testutil.rule_runner import GoalRuleResult, RuleRunner

from pants_hygiene.alembic import register
from pants_hygiene.alembic.check_goal import CheckAlembic

INI = "[alembic]\nscript_location = %(here)s/migrations\n"


def migration(revision: str, down_revision: Optional[str], revises: str = "") -> str:
    return dedent(
        f'''\
        """{revision}

        Revision ID: {revision}
        Revises: {revises if revises else (down_revision or "")}
        """
        revision = "{revision}"
        down_revision = {down_revision!r}
        '''
    )


@pytest.fixture
def rule_runner() -> RuleRunner:
    runner = RuleRunner(rules=register.rules())
    runner.set_options(["--source-root-patterns=['/src', '/']"])
    return runner


def run(rule_runner: RuleRunner, *args: str) -> Tuple[int, str]:
    result: GoalRuleResult = rule_runner.run_goal_rule(CheckAlembic, args=args)
    return result.exit_code, result.stdout


def test_linear_history_passes_with_a_summary_line(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/migrations/versions/b2_next.py": migration("b2", "a1"),
        }
    )
    assert run(rule_runner, "::") == (0, "svc/migrations/versions: 2 revisions, 1 head b2\n")


def test_two_heads_fail_with_each_chain_and_the_fix_command(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/migrations/versions/b2_main.py": migration("b2", "a1"),
            "svc/migrations/versions/c3_branch.py": migration("c3", "a1"),
            "svc/migrations/versions/d4_branch.py": migration("d4", "c3"),
        }
    )
    exit_code, stdout = run(rule_runner, "::")
    assert exit_code == 1
    assert stdout == dedent(
        """\
        svc/migrations/versions/b2_main.py:6:1: HM101 Multiple heads `b2`, `d4`; run `pants rebase-alembic svc/migrations/versions` (or `alembic merge heads`)
            head `b2`, forked from `a1` (a1_init.py):
              `b2` (b2_main.py)
            head `d4`, forked from `a1` (a1_init.py):
              `c3` (c3_branch.py)
              `d4` (d4_branch.py)
        svc/migrations/versions: 4 revisions, 2 heads b2, d4; 1 error
        """
    )


def test_only_histories_holding_a_spec_file_are_checked(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "billing/alembic.ini": INI,
            "billing/migrations/versions/a1_init.py": migration("a1", None),
            "users/alembic.ini": INI,
            "users/migrations/versions/u1_init.py": migration("u1", None),
            "users/migrations/versions/u2_fork.py": migration("u2", None),
        }
    )
    assert run(rule_runner, "billing/migrations/versions/a1_init.py") == (
        0,
        "billing/migrations/versions: 1 revision, 1 head a1\n",
    )
    exit_code, stdout = run(rule_runner, "users::")
    assert exit_code == 1
    assert "HM102" in stdout and "billing" not in stdout


def test_package_script_location_is_resolved_through_source_roots(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": "[alembic]\nscript_location = shop.db:alembic\n",
            "src/shop/__init__.py": "",
            "src/shop/db/__init__.py": "",
            "src/shop/db/alembic/env.py": "",
            "src/shop/db/alembic/versions/0001_init.py": migration("a1", None),
        }
    )
    assert run(rule_runner, "::") == (0, "src/shop/db/alembic/versions: 1 revision, 1 head a1\n")


def test_bad_files_are_reported_and_the_rest_is_still_checked(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/migrations/versions/b2_next.py": migration("b2", "a1"),
            "svc/migrations/versions/c3_broken.py": 'revision = "c3"\ndown_revision = (\n',
            "svc/migrations/versions/d4_computed.py": 'revision = "d4"\ndown_revision = pick("b2")\n',
        }
    )
    exit_code, stdout = run(rule_runner, "::")
    assert exit_code == 1
    lines = stdout.splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == [
        "svc/migrations/versions/c3_broken.py:2:1",
        "svc/migrations/versions/d4_computed.py:2:1",
    ]
    assert all(" HM110 " in line for line in lines[:2])
    assert lines[2] == "svc/migrations/versions: 2 revisions, 1 head b2; 2 errors"


def test_missing_script_location_is_a_config_error(rule_runner: RuleRunner) -> None:
    rule_runner.write_files({"svc/alembic.ini": "[alembic]\nscript_location = nowhere\n"})
    exit_code, stdout = run(rule_runner, "::")
    assert exit_code == 1
    assert stdout == (
        "svc/alembic.ini:2:1: HM100 `script_location` names no directory (looked in svc/nowhere)\n"
    )


def test_json_output_for_ci(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/migrations/versions/b2_next.py": migration("b2", "a1", revises="zz"),
        }
    )
    exit_code, stdout = run(rule_runner, "--output-format=json", "::")
    document = json.loads(stdout)
    assert exit_code == 0 and document["exit_code"] == 0
    [history] = document["histories"]
    assert (history["name"], history["heads"], history["revision_count"]) == (
        "svc/migrations/versions",
        ["b2"],
        2,
    )
    assert [(f["code"], f["severity"], f["line"]) for f in history["findings"]] == [
        ("HM108", "warning", 4)
    ]
    exit_code, _ = run(rule_runner, "--warnings-as-errors", "::")
    assert exit_code == 1


def test_a_syntax_error_in_a_body_is_reported_unless_syntax_checks_are_off(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/versions/a1_init.py": migration("a1", None)
            + "\n\ndef upgrade() -> None:\n    op.create_table(\n",
        }
    )
    exit_code, stdout = run(rule_runner, "::")
    assert exit_code == 1
    assert stdout == (
        "svc/migrations/versions/a1_init.py:11:1: HM110 Can't read migration: syntax error: "
        "unexpected EOF while parsing (or syntax newer than the Python 3.9 reading it)\n"
        "svc/migrations/versions: 0 revisions, 0 heads; 1 error\n"
    )
    assert run(rule_runner, "--no-check-syntax", "::") == (
        0,
        "svc/migrations/versions: 1 revision, 1 head a1\n",
    )
