"""Our subsystems' and goals' options, registered by every checked release's own
`option_types.py` (tests/pants_hygiene/compat/pants_exec.py): the same names, defaults and types
as Pants 2.17.1 registers, which this process runs for real (and which checks the harness)."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from pants.option.option_types import collect_options_info

from tests.pants_hygiene.compat import pants_exec
from tools.pants_api import REFERENCE_TAG, data_tags, load_data

TAGS = data_tags(load_data())


@pytest.fixture(scope="module")
def reference() -> Dict[str, Any]:
    registered: Dict[str, Any] = pants_exec.run("options", REFERENCE_TAG)
    return registered


def test_the_harness_registers_what_the_running_pants_registers(reference: Dict[str, Any]) -> None:
    real = json.loads(json.dumps(pants_exec.options_of(collect_options_info)))
    assert reference == real
    # Not vacuous: every scope of the suite, with its options' defaults.
    assert reference["hygiene-imports"]["--policy"]["default"] == "relative-within-build"
    assert {"check-alembic", "hygiene-tool", "hygiene-build-files"} <= set(reference)


@pytest.mark.parametrize("tag", TAGS[1:])
def test_every_release_registers_the_same_options(tag: str, reference: Dict[str, Any]) -> None:
    assert pants_exec.run("options", tag) == reference
