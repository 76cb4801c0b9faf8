"""A bad import policy is Pants' own option error, naming the option and the valid policies."""

from __future__ import annotations

import pytest
from pants.engine.internals.scheduler import ExecutionError

from pants_hygiene.imports.subsystem import ImportsSubsystem
from tests.pants_hygiene.plugin_testing import read_options


@pytest.mark.parametrize("option", ["policy", "test-policy"])
def test_an_unknown_policy_names_the_option_and_the_valid_policies(option: str) -> None:
    with pytest.raises(ExecutionError) as error:
        read_options(ImportsSubsystem, f"--hygiene-imports-{option}=relative")
    message = " ".join(str(error.value).split())  # Pants wraps its message.
    assert f"Error computing value for --{option} in scope 'hygiene-imports'" in message
    assert (
        "Invalid choice 'relative'. Choose from: relative-within-build, "
        "relative-within-build-no-parents, absolute"
    ) in message
