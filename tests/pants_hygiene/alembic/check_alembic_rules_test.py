from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent
from typing import Optional, Tuple

import pytest
from pants.engine.rules import QueryRule
from pants.testutil.rule_runner import GoalRuleResult, RuleRunner

from pants_hygiene.alembic import register
from pants_hygiene.alembic.check_goal import CheckAlembic
from pants_hygiene.util.alembic_setups import AlembicSetups, AlembicSetupsRequest

INI = "[alembic]\nscript_location = %(here)s/migrations\n"
F = " (found by svc/alembic.ini [alembic])"


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
    runner = RuleRunner(rules=[*register.rules(), QueryRule(AlembicSetups, [AlembicSetupsRequest])])
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
    assert run(rule_runner, "::") == (0, f"svc/migrations/versions: 2 revisions, 1 head b2{F}\n")


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
        svc/migrations/versions:
          * b2 b2_main.py (head)
          | * d4 d4_branch.py (head)
          | * c3 c3_branch.py
          |/
          * a1 a1_init.py (fork point, base)
        svc/migrations/versions: 4 revisions, 2 heads b2, d4; 1 error (found by svc/alembic.ini [alembic])
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
        "billing/migrations/versions: 1 revision, 1 head a1 "
        "(found by billing/alembic.ini [alembic])\n",
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
    assert run(rule_runner, "::") == (
        0,
        f"src/shop/db/alembic/versions: 1 revision, 1 head a1{F}\n",
    )


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
    assert lines[2] == f"svc/migrations/versions: 2 revisions, 1 head b2; 2 errors{F}"


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
    exit_code, stdout = run(rule_runner, "--warnings-as-errors", "--output-format=json", "::")
    assert exit_code == json.loads(stdout)["exit_code"] == 1


def test_a_syntax_error_in_a_body_is_reported_when_syntax_checks_are_on(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/versions/a1_init.py": migration("a1", None)
            + "\n\ndef upgrade() -> None:\n    op.create_table(\n",
        }
    )
    # By default only the metadata block is read: the body is a linter's (HA100/HI100).
    assert run(rule_runner, "::") == (
        0,
        "svc/migrations/versions: 1 revision, 1 head a1 (found by svc/alembic.ini [alembic])\n",
    )
    exit_code, stdout = run(rule_runner, "--check-syntax", "::")
    assert exit_code == 1
    assert stdout == (
        "svc/migrations/versions/a1_init.py:11:1: HM110 Can't read migration: syntax error: "
        "unexpected EOF while parsing (or syntax newer than the Python 3.9 reading it)\n"
        "svc/migrations/versions: 0 revisions, 0 heads; 1 error (found by svc/alembic.ini [alembic])\n"
    )


def test_every_history_is_found_without_configuration(rule_runner: RuleRunner) -> None:
    # The monorepo: `alembic.ini`, a second ini under another name, a service whose ini
    # lives outside the repo, a pyproject.toml `[tool.alembic]`, and other ini files.
    rule_runner.write_files(
        {
            "core/alembic.ini": INI,
            "core/migrations/env.py": "",
            "core/migrations/versions/a1_init.py": migration("a1", None),
            "proxy/alembic-appproxy.ini": "[alembic]\nscript_location = %(here)s/appproxy\n",
            "proxy/appproxy/env.py": "",
            "proxy/appproxy/versions/p1_init.py": migration("p1", None),
            "reports/db/env.py": "",
            "reports/db/script.py.mako": "",
            "reports/db/versions/r1_init.py": migration("r1", None),
            "reports/db/versions/r2_next.py": migration("r2", "r1"),
            "search/pyproject.toml": (
                '[project]\nname = "search"\n\n'
                '[tool.alembic]\nscript_location = "%(here)s/alembic"\n'
            ),
            "search/alembic/env.py": "",
            "search/alembic/script.py.mako": "",
            "search/alembic/versions/s1_init.py": migration("s1", None),
            "tox.ini": "[tox]\nenvlist = py311\n",
            "docs/pyproject.toml": "[tool.black]\nline-length = 100\n",
        }
    )
    assert run(rule_runner, "::") == (
        0,
        dedent(
            """\
            core/migrations/versions: 1 revision, 1 head a1 (found by core/alembic.ini [alembic])
            proxy/appproxy/versions: 1 revision, 1 head p1 (found by proxy/alembic-appproxy.ini [alembic])
            reports/db/versions: 2 revisions, 1 head r2 (found by reports/db/env.py (no config))
            search/alembic/versions: 1 revision, 1 head s1 (found by search/pyproject.toml [tool.alembic])
            """
        ),
    )
    files = [
        "core/migrations/versions/a1_init.py",
        "proxy/appproxy/versions/p1_init.py",
        "reports/db/versions/r1_init.py",
        "search/alembic/env.py",
    ]
    setups = rule_runner.request(AlembicSetups, [AlembicSetupsRequest(tuple(files))])
    assert [(h.script_dir, h.versions_dirs) for h in setups.histories] == [
        ("core/migrations", ("core/migrations/versions",)),
        ("proxy/appproxy", ("proxy/appproxy/versions",)),
        ("reports/db", ("reports/db/versions",)),
        ("search/alembic", ("search/alembic/versions",)),
    ]
    # Only the given files' directories and those above them are looked at.
    setups = rule_runner.request(AlembicSetups, [AlembicSetupsRequest(("reports/db/env.py",))])
    assert [h.script_dir for h in setups.histories] == ["reports/db"]


def test_a_history_found_twice_is_checked_once(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/pyproject.toml": '[tool.alembic]\nscript_location = "%(here)s/migrations"\n',
            "svc/migrations/env.py": "",
            "svc/migrations/script.py.mako": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
        }
    )
    assert run(rule_runner, "::") == (
        0,
        "svc/migrations/versions: 1 revision, 1 head a1 "
        "(found by svc/alembic.ini [alembic], svc/pyproject.toml [tool.alembic])\n",
    )


def test_version_locations_of_a_pyproject_are_followed(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/pyproject.toml": (
                "[tool.alembic]\n"
                'script_location = "%(here)s/migrations"\n'
                'version_locations = ["%(here)s/migrations/versions", "%(here)s/plugins/versions"]\n'
            ),
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/plugins/versions/b1_plugin.py": migration("b1", "a1"),
        }
    )
    assert run(rule_runner, "::") == (
        0,
        "svc/migrations/versions, svc/plugins/versions: 2 revisions, 1 head b1 "
        "(found by svc/pyproject.toml [tool.alembic])\n",
    )


def test_a_pyproject_is_read_as_toml_1_0(rule_runner: RuleRunner) -> None:
    # A mixed-type array is valid TOML 1.0; the pre-1.0 `toml` package called the file invalid.
    rule_runner.write_files(
        {
            "svc/pyproject.toml": (
                '[tool.other]\nvalues = [1, "two"]\n'
                '[tool.alembic]\nscript_location = "%(here)s/migrations"\n'
            ),
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
        }
    )
    assert run(rule_runner, "::") == (
        0,
        "svc/migrations/versions: 1 revision, 1 head a1 "
        "(found by svc/pyproject.toml [tool.alembic])\n",
    )


def test_a_truncated_pyproject_is_an_error_naming_where(rule_runner: RuleRunner) -> None:
    # The `toml` package accepted `version_locations = [` silently.
    rule_runner.write_files(
        {
            "svc/pyproject.toml": (
                '[tool.alembic]\nscript_location = "%(here)s/migrations"\nversion_locations = [\n'
            ),
            "svc/migrations/env.py": "",
        }
    )
    exit_code, output = run(rule_runner, "::")
    assert exit_code == 1
    assert output.startswith(
        "svc/pyproject.toml:4:1: HM100 not valid TOML: Invalid value (at the end of the file, column 1)"
    ), output


def test_bad_pyproject_alembic_table_is_a_config_error(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/pyproject.toml": '[tool.alembic]\nversion_locations = "not a list"\n',
            "other/pyproject.toml": "[tool.black\n",  # Broken, but not Alembic's business.
        }
    )
    assert run(rule_runner, "::") == (
        1,
        "svc/pyproject.toml:1:1: HM100 `[tool.alembic]` has no `script_location`\n",
    )


def test_mermaid_file_is_written(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/migrations/versions/b2_main.py": migration("b2", "a1"),
            "svc/migrations/versions/c3_branch.py": migration("c3", "a1"),
        }
    )
    exit_code, _ = run(rule_runner, "--mermaid-file=reports/alembic.md", "::")
    assert exit_code == 1
    written = (Path(rule_runner.build_root) / "reports/alembic.md").read_text()
    assert written == dedent(
        """\
        ### `svc/migrations/versions`: heads `b2`, `c3`

        ```mermaid
        flowchart TD
          r0["b2 b2_main.py (head)"]
          r1["c3 c3_branch.py (head)"]
          r2["a1 a1_init.py (fork point, base)"]
          r0 --> r2
          r1 --> r2
          classDef head stroke-width:3px
          class r0,r1 head
        ```
        """
    )


def test_a_script_directory_a_config_points_into_is_not_a_history_of_its_own(
    rule_runner: RuleRunner,
) -> None:
    # plugins/ looks like a script directory, but its versions/ are a version location of svc's.
    rule_runner.write_files(
        {
            "svc/alembic.ini": (
                "[alembic]\nscript_location = %(here)s/migrations\npath_separator = os\n"
                "version_locations = %(here)s/migrations/versions:%(here)s/plugins/versions\n"
            ),
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "svc/plugins/env.py": "",
            "svc/plugins/versions/b1_plugin.py": migration("b1", "a1"),
        }
    )
    assert run(rule_runner, "::") == (
        0,
        f"svc/migrations/versions, svc/plugins/versions: 2 revisions, 1 head b1{F}\n",
    )


def test_a_mermaid_file_that_cannot_be_written_fails_after_the_findings(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/versions/a1_init.py": migration("a1", None),
        }
    )
    # An existing directory: no file can be written there.
    result = rule_runner.run_goal_rule(CheckAlembic, args=["--mermaid-file=svc", "::"])
    assert result.exit_code == 1
    assert result.stdout == f"svc/migrations/versions: 1 revision, 1 head a1{F}\n"
    assert "Cannot write `[check-alembic].mermaid_file` (`svc`): " in result.stderr


def _redundant_merge_history() -> dict:
    return {
        "svc/alembic.ini": INI,
        "svc/migrations/env.py": "",
        "svc/migrations/versions/a1.py": migration("a1", None),
        "svc/migrations/versions/b2.py": migration("b2", "a1"),
        "svc/migrations/versions/c3.py": migration("c3", "b2"),
        "svc/migrations/versions/m4.py": migration("m4", None, revises="a1, c3").replace(
            "down_revision = None", 'down_revision = ("a1", "c3")  # merge heads'
        ),
    }


def test_fix_drops_a_redundant_merge_parent_and_reports_what_is_left(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(_redundant_merge_history())
    exit_code, stdout = run(rule_runner, "--hygiene-reports-sarif", "::")
    sarif = json.loads(
        Path(rule_runner.build_root, "dist/check-alembic/check-alembic.sarif").read_text()
    )["runs"][0]
    (result,) = sarif["results"]
    assert (result["ruleId"], result["level"]) == ("HM116", "error")
    rule = sarif["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (rule["id"], rule["name"]) == ("HM116", "redundant-merge-parent")
    assert (exit_code, stdout) == (
        1,
        "svc/migrations/versions/m4.py:7:1: HM116 Merge `m4` lists redundant parents: `a1` is an "
        "ancestor of `c3`; `alembic upgrade` fails on it (KeyError); keep `c3` [*]\n"
        f"svc/migrations/versions: 4 revisions, 1 head m4; 1 error{F}\n",
    )
    assert run(rule_runner, "--check-alembic-fix", "::") == (
        0,
        f"svc/migrations/versions: 4 revisions, 1 head m4{F}\n",
    )
    fixed = Path(rule_runner.build_root, "svc/migrations/versions/m4.py").read_text()
    assert "Revises: c3\n" in fixed
    assert 'down_revision = "c3"  # merge heads\n' in fixed


def test_conventions_are_configured_and_a_bad_marker_regex_names_the_option(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "svc/alembic.ini": INI,
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1.py": migration("a1", None),
            "svc/migrations/versions/b2.py": "# Part of: NEXT\n" + migration("b2", "a1"),
            "svc/migrations/versions/c3.py": migration("c3", "b2")
            + "\n\ndef upgrade():\n    op.get_bind().execute(sa.text('SELECT 1'))\n",
        }
    )
    marker = ["--check-alembic-release-marker=^# Part of: (?P<release>\\S+)"]
    after = ["--check-alembic-release-marker-required-after=a1"]
    exit_code, stdout = run(
        rule_runner,
        *marker,
        *after,
        "--check-alembic-release-marker-placeholder=NEXT",
        "--check-alembic-release-marker-allow-placeholder",
        "--check-alembic-check-offline-reads",
        "::",
    )
    assert exit_code == 1
    assert stdout.splitlines()[:2] == [
        "svc/migrations/versions/c3.py:6:1: HM117 `c3` has no release marker "
        "(`[check-alembic].release_marker`)",
        "svc/migrations/versions/c3.py:11:5: HM118 `upgrade()` reads from the database "
        "(`op.get_bind().execute(sa.text('SELECT 1'))`) without a `context.is_offline_mode()` "
        "guard; `alembic upgrade --sql` fails on it",
    ]
    bad = rule_runner.run_goal_rule(
        CheckAlembic, args=["--check-alembic-release-marker=^# Part of: (\\S+)", "::"]
    )
    assert bad.exit_code == 1
    assert bad.stderr == (
        "`[check-alembic].release_marker`: needs a named group `(?P<release>...)` holding the "
        "release\n"
    )


def test_help_documents_the_new_codes(rule_runner: RuleRunner) -> None:
    from pants_hygiene.alembic.subsystem import CheckAlembicSubsystem

    for code, name in (
        ("HM113", "head-marker-missing"),
        ("HM116", "redundant-merge-parent"),
        ("HM117", "missing-release-marker"),
        ("HM118", "offline-unsafe-read"),
    ):
        assert f"{code} ({name})\n\nWhat it does:" in CheckAlembicSubsystem.help
