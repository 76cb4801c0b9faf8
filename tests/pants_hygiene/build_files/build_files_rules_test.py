from __future__ import annotations

import re
from pathlib import Path
from textwrap import dedent
from typing import Dict, List, Optional, Sequence, Set, Tuple

import pytest
from pants.backend.python import target_types_rules
from pants.backend.python.goals import tailor as python_tailor
from pants.backend.python.goals.tailor import PutativePythonTargetsRequest
from pants.backend.python.target_types import (
    PythonSourcesGeneratorTarget,
    PythonTestsGeneratorTarget,
    PythonTestUtilsGeneratorTarget,
)
from pants.core.goals import fix as fix_goal
from pants.core.goals import lint as lint_goal
from pants.core.goals import tailor as core_tailor
from pants.core.goals.lint import LintResult
from pants.core.goals.tailor import PutativeTargets
from pants.core.target_types import FilesGeneratorTarget, ResourcesGeneratorTarget
from pants.core.util_rules.partitions import Partitions
from pants.engine.fs import PathGlobs, Paths
from pants.engine.rules import QueryRule
from pants.testutil.rule_runner import RuleRunner

from pants_hygiene.build_files import register
from pants_hygiene.build_files.rules import BuildFilesLintRequest
from tests.pants_hygiene.offline_pants import RULE_RUNNER_ENV_INHERIT, rule_runner_args
from tests.pants_hygiene.plugin_testing import run_fix


@pytest.fixture
def rule_runner() -> RuleRunner:
    runner = RuleRunner(
        rules=[
            *register.rules(),
            *target_types_rules.rules(),
            *python_tailor.rules(),
            *core_tailor.rules(),
            *lint_goal.rules(),
            *fix_goal.rules(),
            QueryRule(Partitions, [BuildFilesLintRequest.PartitionRequest]),
            QueryRule(LintResult, [BuildFilesLintRequest.Batch]),
            QueryRule(Paths, [PathGlobs]),
            QueryRule(PutativeTargets, [PutativePythonTargetsRequest]),
        ],
        target_types=[
            PythonSourcesGeneratorTarget,
            PythonTestsGeneratorTarget,
            PythonTestUtilsGeneratorTarget,
            FilesGeneratorTarget,
            ResourcesGeneratorTarget,
        ],
    )
    runner.set_options(
        [*rule_runner_args(), "--source-root-patterns=['/src', '/tests']"],
        env_inherit=set(RULE_RUNNER_ENV_INHERIT),
    )
    return runner


def lint(
    rule_runner: RuleRunner,
    files: Optional[Sequence[str]] = None,
    batch_size: Optional[int] = None,
) -> Tuple[int, str]:
    """`pants lint ::` (or of just `files`, as `--changed-since` hands them over), each
    partition split into batches of `batch_size` files as `[lint].batch_size` does."""
    if files is None:
        files = rule_runner.request(Paths, [PathGlobs(["**"])]).files
    partitions = rule_runner.request(
        Partitions, [BuildFilesLintRequest.PartitionRequest(tuple(files))]
    )
    results = [
        rule_runner.request(
            LintResult, [BuildFilesLintRequest.Batch("", batch, partition.metadata)]
        )
        for partition in partitions
        for size in [batch_size or len(partition.elements)]
        for batch in (
            partition.elements[start : start + size]
            for start in range(0, len(partition.elements), size)
        )
    ]
    return max((r.exit_code for r in results), default=0), "".join(r.stdout for r in results)


def findings_of(stdout: str) -> List[str]:
    return sorted(line for line in stdout.splitlines() if ": HB" in line)


def tailor_proposed_files(rule_runner: RuleRunner) -> Set[str]:
    """The Python files `pants tailor` would add targets for (the oracle)."""
    directories = {
        path.rsplit("/", 1)[0]
        for path in rule_runner.request(Paths, [PathGlobs(["**/*.py"])]).files
    }
    putative = rule_runner.request(
        PutativeTargets, [PutativePythonTargetsRequest(tuple(sorted(directories)))]
    )
    return {f"{target.path}/{source}" for target in putative for source in target.owned_sources}


def assert_superset_of_tailor(rule_runner: RuleRunner, stdout: str) -> None:
    # A file's finding points at it; a directory's (HB101, HB104) at its BUILD file, and names
    # the directory in its message.
    reported = [
        directory.group(1) if directory else line.split(":", 1)[0]
        for line in stdout.splitlines()
        if ": HB" in line
        for directory in [_DIRECTORY_IN_MESSAGE.search(line)]
    ]
    for path in tailor_proposed_files(rule_runner):
        assert any(
            path == finding or (finding.endswith("/") and path.startswith(finding))
            for finding in reported
        ), f"tailor proposes a target for {path}, which the lint doesn't report"


_DIRECTORY_IN_MESSAGE = re.compile(r": HB10[14] (?:\d+ Python files? in )?`([^`]*/)`")


REPO: Dict[str, str] = {
    "src/shop/BUILD": 'python_sources(sources=["**/*.py"])\n',
    "src/shop/__init__.py": "",
    "src/shop/models.py": "",
    "tests/shop/BUILD": "python_tests()\n",
    "tests/shop/test_models.py": "",
}


def test_clean_repo(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(REPO)
    assert lint(rule_runner) == (0, "")
    assert tailor_proposed_files(rule_runner) == set()


def test_new_package_without_build_file_and_the_fix(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            **REPO,
            "src/billing/__init__.py": "",
            "src/billing/invoices.py": "",
            "src/billing/pdf/render.py": "",
            "tests/billing/test_invoices.py": "",
            "tests/billing/conftest.py": "",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    assert stdout == dedent(
        """\
        src/billing/BUILD:1:1: HB101 1 Python file in `src/billing/` (`invoices.py`) is owned by no Python target; create `src/billing/BUILD` [*]
        src/billing/BUILD:1:1: HB101 1 Python file in `src/billing/pdf/` (`render.py`) is owned by no Python target; create `src/billing/BUILD` [*]
        tests/billing/BUILD:1:1: HB101 2 Python files in `tests/billing/` (`conftest.py`, `test_invoices.py`) are owned by no Python target; create `tests/billing/BUILD` [*]
        Found 3 findings (3 fixable with `pants fix`, marked [*]).
        """
    )
    assert_superset_of_tailor(rule_runner, stdout)

    assert run_fix(rule_runner, "hygiene-build-files", "::") == 0
    assert rule_runner.read_file("src/billing/BUILD") == 'python_sources(sources=["**/*.py"])\n'
    assert rule_runner.read_file("tests/billing/BUILD") == (
        'python_tests()\n\npython_test_utils(name="test_utils")\n'
    )
    assert lint(rule_runner) == (0, "")
    assert tailor_proposed_files(rule_runner) == set()


def test_a_directory_s_finding_is_reported_once_and_where_its_build_file_is_linted(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            **REPO,
            "src/billing/invoices.py": "",
            "src/billing/pdf/render.py": "",
            "scripts/BUILD": 'files(sources=["*"])\n',
            "scripts/deploy.py": "",
        }
    )
    whole = findings_of(lint(rule_runner)[1])
    assert [line.split(" ", 1)[0] for line in whole] == [
        "scripts/BUILD:1:1:",
        "src/billing/BUILD:1:1:",
        "src/billing/BUILD:1:1:",
    ]
    # However Pants splits the partition into batches, each finding is reported exactly once.
    for batch_size in (1, 2, 3):
        assert findings_of(lint(rule_runner, batch_size=batch_size)[1]) == whole
    scripts_finding = [line for line in whole if line.startswith("scripts/")]
    # `--changed-since` handing over the BUILD file alone, or a file the finding is about.
    assert findings_of(lint(rule_runner, ["scripts/BUILD"])[1]) == scripts_finding
    assert findings_of(lint(rule_runner, ["scripts/deploy.py"])[1]) == scripts_finding
    assert lint(rule_runner, ["src/shop/models.py"]) == (0, "")


def test_files_owned_only_by_a_files_target_count_as_unowned(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {**REPO, "scripts/BUILD": 'files(sources=["*"])\n', "scripts/deploy.py": ""}
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    assert stdout.startswith(
        "scripts/BUILD:1:1: HB101 1 Python file in `scripts/` (`deploy.py`) is owned by no "
        "Python target, only by `files`; add it to the `sources` of a target in `scripts/BUILD` "
        "[*]"
    )
    # tailor counts `files` ownership as ownership: this is a case it misses.
    assert tailor_proposed_files(rule_runner) == set()


def test_test_files_and_conftest_owned_by_the_wrong_kind(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            **REPO,
            "tests/shop/BUILD": 'python_sources(name="lib", sources=["*.py"])\n',
            "tests/shop/conftest.py": "",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    codes = [line.split(" ")[1] for line in stdout.splitlines() if ": HB" in line]
    assert codes == ["HB103", "HB102"]
    assert "tests/shop/test_models.py:1:1: HB102" in stdout
    assert tailor_proposed_files(rule_runner) == set()


def test_per_directory_policy_wants_a_build_file_in_each_test_directory(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(
        {
            **REPO,
            "tests/shop/BUILD": 'python_tests(sources=["**/test_*.py"])\n',
            "tests/shop/api/test_api.py": "",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    assert stdout.startswith(
        "tests/shop/api/BUILD:1:1: HB104 `tests/shop/api/` has Python files but no BUILD file"
    )


def test_nested_stale_and_unmatched(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {
            **REPO,
            "src/shop/payments/BUILD": "python_sources()\n",
            "src/shop/payments/stripe.py": "",
            "src/old/BUILD": 'python_sources(sources=["*.py"])\n',
            "src/shop/static/BUILD": "python_sources()  # noqa: HB106\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    lines = [line for line in stdout.splitlines() if ": HB" in line]
    # The stale BUILD's unmatched glob is not reported twice; the noqa silences HB106 only.
    assert [line.split(" ")[:2] for line in lines] == [
        ["src/old/BUILD:1:1:", "HB106"],
        ["src/shop/payments/BUILD:1:1:", "HB105"],
        ["src/shop/static/BUILD:1:1:", "HB105"],
    ]


def test_a_glob_that_matches_nothing(rule_runner: RuleRunner) -> None:
    rule_runner.write_files(
        {**REPO, "src/shop/BUILD": 'python_sources(sources=["**/*.py", "legacy/*.py"])\n'}
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 0  # a warning: the target still owns its files
    assert stdout.startswith(
        "src/shop/BUILD:1:1: HB107 `sources` glob `legacy/*.py` of `src/shop:shop` matches no file"
    )


def test_python_files_at_the_repo_root_are_reported_and_fixed(rule_runner: RuleRunner) -> None:
    rule_runner.write_files({**REPO, "setup.py": "", "tasks.py": ""})
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, stdout) == (
        1,
        dedent(
            """\
            BUILD:1:1: HB101 2 Python files in `./` (`setup.py`, `tasks.py`) are owned by no Python target; create `BUILD` [*]
            Found 1 finding (1 fixable with `pants fix`, marked [*]).
            """
        ),
    )
    assert_superset_of_tailor(rule_runner, stdout)

    assert run_fix(rule_runner, "hygiene-build-files", "::") == 0
    assert rule_runner.read_file("BUILD") == 'python_sources(name="lib")\n'
    assert lint(rule_runner) == (0, "")


# Scoped facts: a lint or fix of a few files reads only what they need (the core's scope.py).

SCOPE_REPO: Dict[str, str] = {
    **REPO,
    # A package root owning its subtree, with a nested BUILD file (HB105) and a stale glob (HB107).
    "src/shop/BUILD": 'python_sources(sources=["**/*.py", "legacy/*.py"])\n',
    "src/shop/api/BUILD": 'python_sources(name="api")\n',
    "src/shop/api/views.py": "",
    # A package root whose own files are owned but whose subdirectory's aren't (HB101).
    "src/crm/BUILD": "python_sources()\n",
    "src/crm/__init__.py": "",
    "src/crm/deep/leads.py": "",
    # A new package (fixable HB101 in two directories) and a stale BUILD file (HB106).
    "src/billing/__init__.py": "x = 1\n",
    "src/billing/pdf/render.py": "",
    "src/old/BUILD": 'python_sources(sources=["*.py"])\n',
    # Per-directory: owned from the parent's BUILD file (HB104), and unowned (HB101).
    "tests/BUILD": 'python_tests(name="orphans", sources=["orphan/test_*.py"])\n',
    "tests/orphan/test_y.py": "",
    "tests/shop/helpers/test_x.py": "",
    "scripts/deploy.py": "",
}


def set_scoped_facts_max_files(rule_runner: RuleRunner, max_files: int) -> None:
    rule_runner.set_options(
        [
            *rule_runner_args(),
            "--source-root-patterns=['/src', '/tests']",
            f"--hygiene-tool-scoped-facts-max-files={max_files}",
        ],
        env_inherit=set(RULE_RUNNER_ENV_INHERIT),
    )


def test_a_few_files_get_the_whole_repo_s_findings_from_scoped_facts(
    rule_runner: RuleRunner,
) -> None:
    rule_runner.write_files(SCOPE_REPO)
    selections = [
        *([path] for path in sorted(SCOPE_REPO)),
        ["src/crm/__init__.py", "tests/orphan/test_y.py"],
        ["src/billing/pdf/render.py", "src/shop/api/BUILD", "scripts/deploy.py"],
    ]
    set_scoped_facts_max_files(rule_runner, 0)
    whole = [lint(rule_runner, files) for files in selections]
    # The selection's size decides, so that `lint ::` takes the scoped path here as well.
    set_scoped_facts_max_files(rule_runner, len(SCOPE_REPO))
    scoped = [lint(rule_runner, files) for files in selections]
    assert scoped == whole
    # Every kind of finding is among those compared.
    reported = "".join(stdout for _, stdout in whole)
    for code in ("HB101", "HB104", "HB105", "HB106", "HB107"):
        assert f": {code} " in reported, code
    assert "[*]" in reported and "(`leads.py`) is owned by no Python target; add it" in reported
    set_scoped_facts_max_files(rule_runner, 0)
    whole_repo = lint(rule_runner)
    set_scoped_facts_max_files(rule_runner, len(SCOPE_REPO))
    assert lint(rule_runner) == whole_repo


def test_fixing_one_file_writes_what_fixing_the_whole_repo_writes_for_its_directories(
    rule_runner: RuleRunner,
) -> None:
    # The repo's style (explicit names) is read from BUILD files the scoped facts don't cover.
    files = {
        **SCOPE_REPO,
        "src/shop/BUILD": 'python_sources(name="lib", sources=["**/*.py"])\n',
        "src/crm/BUILD": 'python_sources(name="lib")\n',
        "src/other/BUILD": 'python_sources(name="lib", sources=["**/*.py"])\n',
        "src/other/__init__.py": "",
    }
    rule_runner.write_files(files)
    assert run_fix(rule_runner, "hygiene-build-files", "src/billing/pdf/render.py") == 0
    scoped_billing = rule_runner.read_file("src/billing/BUILD")
    # Nothing outside the file's directory and ancestors is written.
    root = Path(rule_runner.build_root)
    assert not (root / "tests/shop/helpers/BUILD").exists()
    assert not (root / "BUILD").exists()

    (root / "src/billing/BUILD").unlink()
    assert (
        run_fix(
            rule_runner, "hygiene-build-files", "--hygiene-tool-scoped-facts-max-files=0", "::"
        )
        == 0
    )
    assert scoped_billing == rule_runner.read_file("src/billing/BUILD")
    assert scoped_billing == 'python_sources(name="lib", sources=["**/*.py"])\n'
    assert rule_runner.read_file("tests/shop/helpers/BUILD")
