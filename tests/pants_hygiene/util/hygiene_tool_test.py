from __future__ import annotations

import pytest
from pants.backend.python.util_rules import pex
from pants.backend.python.util_rules.interpreter_constraints import InterpreterConstraints
from pants.engine.internals.scheduler import ExecutionError
from pants.engine.rules import QueryRule
from pants.testutil.python_rule_runner import PythonRuleRunner

from pants_hygiene.util import tool
from pants_hygiene.util.tool import CheckerInterpreter
from tests.pants_hygiene.offline_pants import RULE_RUNNER_ENV_INHERIT, rule_runner_args


@pytest.fixture
def rule_runner() -> PythonRuleRunner:
    return PythonRuleRunner(
        rules=[*tool.rules(), *pex.rules(), QueryRule(CheckerInterpreter, [])],
    )


def checker_interpreter(rule_runner: PythonRuleRunner, *args: str) -> InterpreterConstraints:
    rule_runner.set_options([*rule_runner_args(), *args], env_inherit=set(RULE_RUNNER_ENV_INHERIT))
    return rule_runner.request(CheckerInterpreter, []).constraints


def test_the_checkers_run_on_the_newest_interpreter_the_constraints_allow(
    rule_runner: PythonRuleRunner,
) -> None:
    # This repo's machines have CPython 3.9 to 3.13 (`[python].interpreter_versions_universe`);
    # Pex alone would pick 3.9.
    assert checker_interpreter(
        rule_runner, "--hygiene-tool-interpreter-constraints=['CPython>=3.9,<3.12']"
    ) == InterpreterConstraints(["CPython==3.11.*"])


def test_a_pinned_version_wins_and_must_be_allowed(rule_runner: PythonRuleRunner) -> None:
    assert checker_interpreter(
        rule_runner, "--hygiene-tool-interpreter-version=3.10"
    ) == InterpreterConstraints(["CPython==3.10.*"])
    with pytest.raises(ExecutionError) as error:
        checker_interpreter(rule_runner, "--hygiene-tool-interpreter-version=3.8")
    assert "`[hygiene-tool].interpreter_version` is `3.8`" in str(error.value)
