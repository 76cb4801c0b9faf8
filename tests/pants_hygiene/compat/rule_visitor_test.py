"""Newer Pants' own rule parser, run on our rules: from each checked release's source, its
`rule_visitor.py` must find, in every rule of ours as written for that release (compat's
call-by-name branch), the same requests Pants 2.17's parser finds in it (compat's `Get` branch),
which the 2.17 suite runs for real.

Each release's visitor is its source unchanged, copied beside the API data by tools/pants_api.py
(`rule_visitors/<tag>.txt`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Dict, List

import pytest

from tests.pants_hygiene.compat.new_side import our_rule_functions, type_name
from tools.pants_api import VERSION_FLAGS, VISITORS_DIR, data_tags, load_data, release_version

# 2.18-2.22 run compat's `Get` branch, as 2.17 does, whose parser runs for real here.
CALL_BY_NAME_TAGS = [
    tag for tag in data_tags(load_data()) if release_version(tag) >= VERSION_FLAGS["CALL_BY_NAME"]
]


def old_side_requests() -> Dict[str, List[str]]:
    """What Pants 2.17's parser found in our rules when they were decorated in this process."""
    return {
        f"{func.__module__}.{func.__qualname__}": sorted(
            {
                f"{type_name(get.output_type)}({', '.join(type_name(t) for t in get.input_types)})"
                for get in func.rule.input_gets
            }
        )
        for func in our_rule_functions()
    }


def new_side_requests(tag: str) -> Dict[str, List[str]]:
    visitor = VISITORS_DIR / f"{tag}.txt"
    result = subprocess.run(
        [sys.executable, "-m", "tests.pants_hygiene.compat.new_side", tag, str(visitor)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: Dict[str, List[str]] = json.loads(result.stdout)
    return found


def test_the_old_side_requests_are_what_the_rules_ask_for() -> None:
    """The baseline is not vacuous: 2.17's parser followed compat's helpers into their `Get`s."""
    requests = old_side_requests()
    assert requests["pants_hygiene.tool.rules.run_hygiene_check"] == [
        "Digest(RemovePrefix)",
        "FallibleProcessResult(Process)",
        "HygieneToolPex()",
        "Process(VenvPexProcess)",
        "Snapshot(Digest)",
    ]
    assert requests["pants_hygiene.imports.rules.partition_imports_lint"] == [
        "HygieneToolPex()",
        "Partitions(_ImportFactsRequest)",
    ]


@pytest.mark.parametrize("tag", CALL_BY_NAME_TAGS)
def test_newer_pants_finds_the_same_requests_by_name(tag: str) -> None:
    assert new_side_requests(tag) == old_side_requests()
