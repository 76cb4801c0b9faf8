"""A bad `[hygiene-build-files]` value is an option error, raised when the options are read."""

from __future__ import annotations

import pytest
from pants.engine.internals.scheduler import ExecutionError

from pants_hygiene.build_files.subsystem import BuildFilesSubsystem
from tests.pants_hygiene.plugin_testing import read_options


@pytest.mark.parametrize(
    "arg, message",
    [
        (
            "--hygiene-build-files-policies={'src/': 'subtre'}",
            "Invalid `[hygiene-build-files].policies`: unknown policy `subtre` for prefix "
            "`src/`; expected one of `subtree`, `per-directory`, `ignore`.",
        ),
        (
            "--hygiene-build-files-default-policy=flat",
            "Invalid `[hygiene-build-files].default_policy`: unknown policy `flat`; "
            "expected one of `subtree`, `per-directory`, `ignore`.",
        ),
        (
            "--hygiene-build-files-policies={'src/**': 'subtree'}",
            "Invalid `[hygiene-build-files].policies`: `src/**` is not a directory path "
            "relative to the build root; expected a relative directory path such as `src/` or "
            "`tests/unit/`.",
        ),
        (
            "--hygiene-build-files-policies={'../src': 'subtree'}",
            "Invalid `[hygiene-build-files].policies`: `../src` is not a directory path "
            "relative to the build root",
        ),
    ],
)
def test_a_bad_policy_or_prefix_names_the_option_and_the_valid_values(
    arg: str, message: str
) -> None:
    with pytest.raises(ExecutionError) as error:
        read_options(BuildFilesSubsystem, arg)
    assert message in str(error.value)


def test_good_values_are_accepted() -> None:
    subsystem = read_options(
        BuildFilesSubsystem,
        "--hygiene-build-files-policies={'src': 'subtree', 'tests/unit/': 'ignore'}",
    )
    assert [rule.policy for rule in subsystem.build_file_options("BUILD").policies] == [
        "subtree",
        "ignore",
    ]
