"""A bad `[hygiene-annotations]` value is an option error, raised when the options are read."""

from __future__ import annotations

import pytest
from pants.engine.internals.scheduler import ExecutionError

from pants_hygiene.annotations.subsystem import AnnotationsSubsystem
from tests.pants_hygiene.plugin_testing import read_options


def test_an_unknown_code_names_the_option_and_the_valid_codes() -> None:
    with pytest.raises(ExecutionError) as error:
        read_options(AnnotationsSubsystem, "--hygiene-annotations-select=['HA101', 'HA999']")
    assert (
        "Invalid `[hygiene-annotations].select`: unknown code(s) `HA999`; "
        "expected one of `HA101`, `HA102`, `HA103`."
    ) in str(error.value)


def test_known_codes_in_any_case_are_accepted() -> None:
    subsystem = read_options(
        AnnotationsSubsystem, "--hygiene-annotations-select=['ha101', 'HA102']"
    )
    assert subsystem.checker_args() == ("--select=ha101,HA102",)
