from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Dict

import pytest
from pants.backend.python.util_rules import pex
from pants.backend.python.util_rules.interpreter_constraints import InterpreterConstraints
from pants.backend.python.util_rules.pex import VenvPexProcess
from pants.engine.fs import Digest, DigestContents
from pants.engine.internals.scheduler import ExecutionError
from pants.engine.process import Process, ProcessResult
from pants.engine.rules import QueryRule
from pants.testutil.python_rule_runner import PythonRuleRunner

from pants_hygiene.tool import register as tool_register
from pants_hygiene.tool.interpreter import CheckerInterpreter, runnable_versions
from pants_hygiene.tool.rules import (
    HygieneCheckRequest,
    HygieneCheckResult,
    HygieneFixRequest,
    HygieneToolPex,
)
from pants_hygiene.tool.subsystem import HygieneTool
from tests.pants_hygiene.offline_pants import RULE_RUNNER_ENV_INHERIT, rule_runner_args
from tests.pants_hygiene.plugin_testing import read_options

# Every CPython this repo's machines have (pyenv), as this repo's pants.toml lists them.
UNIVERSE = "--python-interpreter-versions-universe=['3.9', '3.10', '3.11', '3.12', '3.13']"


def make_rule_runner(*bootstrap_args: str) -> PythonRuleRunner:
    return PythonRuleRunner(
        bootstrap_args=bootstrap_args,
        rules=[
            *tool_register.rules(),
            *pex.rules(),
            QueryRule(CheckerInterpreter, []),
            QueryRule(HygieneToolPex, []),
            QueryRule(Process, [VenvPexProcess]),
            QueryRule(ProcessResult, [Process]),
            QueryRule(HygieneCheckResult, [HygieneCheckRequest]),
            QueryRule(HygieneCheckResult, [HygieneFixRequest]),
            QueryRule(DigestContents, [Digest]),
        ],
    )


@pytest.fixture
def rule_runner() -> PythonRuleRunner:
    return make_rule_runner()


def set_options(rule_runner: PythonRuleRunner, *args: str) -> None:
    rule_runner.set_options(
        [*rule_runner_args(), UNIVERSE, *args], env_inherit=set(RULE_RUNNER_ENV_INHERIT)
    )


def checker_interpreter(rule_runner: PythonRuleRunner, *args: str) -> InterpreterConstraints:
    set_options(rule_runner, *args)
    return rule_runner.request(CheckerInterpreter, []).constraints


def checker_python_version(rule_runner: PythonRuleRunner, *args: str) -> str:
    """The `major.minor` of the interpreter the checkers' PEX really runs on."""
    set_options(rule_runner, *args)
    tool_pex = rule_runner.request(HygieneToolPex, [])
    process = rule_runner.request(
        Process,
        [
            VenvPexProcess(
                tool_pex.pex,
                argv=("-c", "import sys; print('%d.%d' % sys.version_info[:2])"),
                # The venv's `pex` script runs its interpreter instead of the checkers' main.
                extra_env={"PEX_INTERPRETER": "1"},
                description="Print the checkers' Python version",
            )
        ],
    )
    return rule_runner.request(ProcessResult, [process]).stdout.decode().strip()


def test_the_checkers_run_on_the_newest_interpreter_pex_can_use(
    rule_runner: PythonRuleRunner,
) -> None:
    # The machine has 3.9 to 3.13; Pex alone would pick 3.9, and Pants 2.17.1's Pex 2.1.137
    # cannot run on 3.12 or 3.13 (it fails to import its vendored attrs there).
    assert checker_interpreter(rule_runner) == InterpreterConstraints(["CPython==3.11.*"])
    assert checker_python_version(rule_runner) == "3.11"


def test_the_newest_within_the_tools_constraints(rule_runner: PythonRuleRunner) -> None:
    assert checker_interpreter(
        rule_runner, "--hygiene-tool-interpreter-constraints=['CPython>=3.9,<3.11']"
    ) == InterpreterConstraints(["CPython==3.10.*"])


def _search_path_dir(directory: Path, pythons: Dict[str, str]) -> str:
    """A `[python-bootstrap].search_path` holding only `pythons` (name -> script or real path)."""
    directory.mkdir()
    for name, target in pythons.items():
        if target.startswith("#!"):
            (directory / name).write_text(target)
            (directory / name).chmod(0o755)
        else:
            (directory / name).symlink_to(target)
    return f"--python-bootstrap-search-path=['{directory}']"


def _pyenv_python(version: str) -> str:
    (path,) = glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}"))
    return path


def test_a_newer_version_the_machine_lacks_is_skipped(
    rule_runner: PythonRuleRunner, tmp_path: Path
) -> None:
    # No real 3.11: only a `python3.11` that is no Python (it prints nothing), and a real 3.10.
    search_path = _search_path_dir(
        tmp_path / "bin",
        {"python3.11": "#!/bin/sh\nexit 0\n", "python3.10": _pyenv_python("3.10")},
    )
    assert checker_interpreter(rule_runner, search_path) == InterpreterConstraints(
        ["CPython==3.10.*"]
    )
    assert checker_python_version(rule_runner, search_path) == "3.10"


def test_with_no_allowed_python_found_pants_own_search_reports_it(
    rule_runner: PythonRuleRunner, tmp_path: Path
) -> None:
    search_path = _search_path_dir(tmp_path / "bin", {"python3.8": _pyenv_python("3.8")})
    assert checker_interpreter(rule_runner, search_path) == InterpreterConstraints(
        ["CPython>=3.9,<3.14"]
    )
    with pytest.raises(ExecutionError) as error:
        checker_python_version(rule_runner, search_path)
    assert "CPython<3.14,>=3.9" in str(error.value)


def test_a_pinned_version_wins_and_must_be_allowed(rule_runner: PythonRuleRunner) -> None:
    assert checker_python_version(rule_runner, "--hygiene-tool-interpreter-version=3.9") == "3.9"
    with pytest.raises(ExecutionError) as error:
        checker_interpreter(rule_runner, "--hygiene-tool-interpreter-version=3.8")
    assert "`[hygiene-tool].interpreter_version` is `3.8`" in str(error.value)


@pytest.mark.parametrize(
    "pex_version, newest",
    [("v2.1.137", "3.11"), ("v2.1.139", "3.12"), ("v2.4.1", "3.12"), ("v2.5.0", "3.13")],
)
def test_versions_newer_than_the_pex_can_run_are_not_tried(pex_version: str, newest: str) -> None:
    versions = ("3.9", "3.10", "3.11", "3.12", "3.13")
    assert runnable_versions(versions, pex_version)[0] == newest


def test_versions_newer_than_the_default_lockfiles_pip_runs_on_are_not_tried() -> None:
    versions = ("3.9", "3.10", "3.11", "3.12", "3.13")
    # Pants 2.17-2.22's lockfile is locked with pip 23.1.2, which refuses 3.12+.
    assert runnable_versions(versions, "v2.5.0", "3.11") == ("3.11", "3.10", "3.9")
    assert runnable_versions(versions, "v2.16.2", "3.13")[0] == "3.13"


def check_annotations(rule_runner: PythonRuleRunner, files: dict, *args: str) -> HygieneCheckResult:
    set_options(rule_runner, *args)
    digest = rule_runner.make_snapshot(files).digest
    assert isinstance(digest, Digest)
    return rule_runner.request(
        HygieneCheckResult,
        [
            HygieneCheckRequest(
                checker="annotations",
                argv=("--select=HA101,HA102",),
                files=tuple(sorted(files)),
                input_digest=digest,
                description="Check return annotations",
            )
        ],
    )


def test_a_batch_rerun_after_an_edit_rechecks_only_the_edited_file(tmp_path: Path) -> None:
    # Pants' named caches outlive a test run (they are under ~/.cache/pants on a CI machine that
    # ran this test before), so this runner gets its own: the first check must find nothing.
    rule_runner = make_rule_runner(f"--named-caches-dir={tmp_path / 'named_caches'}")
    files = {f"src/m{n}.py": f"def f{n}(x):\n    pass\n" for n in range(5)}
    first = check_annotations(rule_runner, files)
    assert (first.reused, len(first.findings)) == (0, 10)

    # Another batch input, so Pants runs the process again: it reuses the unchanged four.
    edited = {**files, "src/m0.py": "def f0(x: int) -> None:\n    pass\n"}
    second = check_annotations(rule_runner, edited)
    assert second.reused == 4
    off = check_annotations(rule_runner, edited, "--no-hygiene-tool-result-cache")
    assert off.reused == 0
    assert second.findings == off.findings
    assert [f.path for f in second.findings] == sorted(
        f"src/m{n}.py" for n in (1, 1, 2, 2, 3, 3, 4, 4)
    )


@pytest.mark.parametrize(
    "checker, argv, cannot_fix_code, extra, files, fixed_content, left",
    [
        (
            "annotations",
            ("--select=HA101,HA102",),
            "HA105",
            {},
            {
                # HA103-free: the fix adds `-> None`; `x` stays unannotated (HA102, not fixable).
                "src/a.py": "def f(x):\n    print(x)\n",
                "src/b.py": "def g() -> int:\n    return 1\n",
            },
            "def f(x) -> None:\n    print(x)\n",
            ["src/a.py:1:7: HA102 Missing type annotation for parameter `x` in function `f`"],
        ),
        (
            "imports",
            ("--facts=facts.json",),
            "HI105",
            {
                "facts.json": (
                    '{"files": {"src/shop/a.py": {"module": "shop.a", "is_package": false, '
                    '"owner": "src/shop", "policy": "relative-within-build"}, "src/shop/b.py": '
                    '{"module": "shop.b", "is_package": false, "owner": "src/shop", '
                    '"policy": "relative-within-build"}}, "module_owners": {"shop.a": '
                    '"src/shop", "shop.b": "src/shop"}}'
                )
            },
            {"src/shop/a.py": "from shop.b import x\n", "src/shop/b.py": "x = 1\n"},
            "from .b import x\n",
            [],
        ),
    ],
)
def test_every_checker_fixes_through_the_one_protocol(
    rule_runner: PythonRuleRunner,
    checker: str,
    argv: tuple,
    cannot_fix_code: str,
    extra: Dict[str, str],
    files: Dict[str, str],
    fixed_content: str,
    left: list,
) -> None:
    """`run_hygiene_fix` takes the fixes, and the findings they leave, from the checker's own
    check process, with no branch per checker: the batch as fixed, the unfixed file as it was."""
    set_options(rule_runner)
    snapshot = rule_runner.make_snapshot(files)
    result = rule_runner.request(
        HygieneCheckResult,
        [
            HygieneFixRequest(
                checker=checker,
                argv=argv,
                snapshot=snapshot,
                extra_input=rule_runner.make_snapshot(extra).digest,
                cannot_fix_code=cannot_fix_code,
                check_description=f"Check {checker}",
            )
        ],
    )
    fixed_path, unfixed_path = sorted(files)
    assert result.fixed_files == (fixed_path,)
    assert sorted(result.output.files) == sorted(files)
    contents = {
        c.path: c.content.decode()
        for c in rule_runner.request(DigestContents, [result.output.digest])
    }
    assert contents == {fixed_path: fixed_content, unfixed_path: files[unfixed_path]}
    assert [finding.render() for finding in result.findings] == left


def test_scoped_facts_are_for_few_files_and_a_negative_limit_is_an_option_error() -> None:
    tool = read_options(HygieneTool)
    assert (tool.scoped_facts(1), tool.scoped_facts(200), tool.scoped_facts(201)) == (
        True,
        True,
        False,
    )
    assert not read_options(HygieneTool, "--hygiene-tool-scoped-facts-max-files=0").scoped_facts(1)
    with pytest.raises(ExecutionError) as error:
        read_options(HygieneTool, "--hygiene-tool-scoped-facts-max-files=-1")
    assert (
        "Invalid `[hygiene-tool].scoped_facts_max_files`: `-1` is negative; expected a number of "
        "files, or `0` to always read the whole repo."
    ) in str(error.value)
