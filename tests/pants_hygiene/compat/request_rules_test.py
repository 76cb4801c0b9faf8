"""Our lint and fix requests, registered by every checked release's own `lint.py` and `fix.py`
(`rules()`, with `distinct_union_type_per_subclass` and the partitioner checks run for real by
tests/pants_hygiene/compat/pants_exec.py): the same union rules as the Pants 2.17.1 this process
runs registers, which also checks the harness."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest
from pants.core.goals.lint import AbstractLintRequest

from tests.pants_hygiene.compat import pants_exec
from tools.pants_api import REFERENCE_TAG, data_tags, load_data

TAGS = data_tags(load_data())


@pytest.fixture(scope="module")
def reference() -> Dict[str, Any]:
    registered: Dict[str, Any] = pants_exec.run("requests", REFERENCE_TAG)
    return registered


def test_the_harness_registers_what_the_running_pants_registers(reference: Dict[str, Any]) -> None:
    assert reference == json.loads(json.dumps(pants_exec.requests_of(AbstractLintRequest)))
    # Not vacuous: each capability's fixer is seen by `pants fix` and, as a lint, by `pants lint`.
    assert ["AbstractFixRequest", "ImportsFixRequest"] in reference[
        "pants_hygiene.imports.rules.ImportsFixRequest"
    ]
    assert len(reference) == 6


@pytest.mark.parametrize("tag", TAGS[1:])
def test_every_release_registers_our_requests_alike(tag: str, reference: Dict[str, Any]) -> None:
    assert pants_exec.run("requests", tag) == reference
