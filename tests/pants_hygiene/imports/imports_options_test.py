"""A bad import policy is an option (or field) error naming the valid policies."""

from __future__ import annotations

import pytest
from pants.engine.internals.scheduler import ExecutionError
from pants.engine.rules import QueryRule
from pants.option.errors import ParseError
from pants.testutil.rule_runner import RuleRunner

from pants_hygiene.imports import register
from pants_hygiene.imports.subsystem import ImportsSubsystem
from tests.pants_hygiene.offline_pants import RULE_RUNNER_ENV_INHERIT, rule_runner_args


def read_options(*args: str) -> ImportsSubsystem:
    rule_runner = RuleRunner(rules=[*register.rules(), QueryRule(ImportsSubsystem, [])])
    rule_runner.set_options([*rule_runner_args(), *args], env_inherit=set(RULE_RUNNER_ENV_INHERIT))
    return rule_runner.request(ImportsSubsystem, [])


@pytest.mark.parametrize("option", ["policy", "test-policy"])
def test_an_unknown_policy_names_the_option_and_the_valid_policies(option: str) -> None:
    with pytest.raises((ExecutionError, ParseError)) as error:
        read_options(f"--hygiene-imports-{option}=relative")
    assert f"--hygiene-imports-{option}" in str(error.value)
    assert "Invalid choice 'relative'. Choose from: relative-within-build, absolute" in str(
        error.value
    )
