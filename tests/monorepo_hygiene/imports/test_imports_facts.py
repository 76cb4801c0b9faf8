"""The facts JSON the build tool writes: round trip and clear errors."""

from __future__ import annotations

import json

import pytest

from monorepo_hygiene.imports import ABSOLUTE, FactsError, FileFacts, ImportFacts

FACTS = ImportFacts(
    files={
        "src/shop/models/user.py": FileFacts("shop.models.user", False, "src/shop"),
        "src/shop/__init__.py": FileFacts("shop", True, "src/shop", policy=ABSOLUTE),
    },
    module_owners={"shop": "src/shop", "shop.models.user": "src/shop"},
)


def test_json_round_trip() -> None:
    assert ImportFacts.from_json(json.loads(json.dumps(FACTS.to_json()))) == FACTS


def test_policy_defaults_to_relative_within_build() -> None:
    facts = ImportFacts.from_json(
        {"files": {"a.py": {"module": "a", "is_package": False, "owner": ""}}, "module_owners": {}}
    )
    assert facts.files["a.py"].policy == "relative-within-build"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "Invalid import facts at `$`: expected an object with `files` and `module_owners`"),
        (
            {"files": {}, "module_owners": {"a": 1}},
            (
                "Invalid import facts at `module_owners`: "
                "expected an object mapping module names to owners"
            ),
        ),
        (
            {"files": {"a.py": {"module": "a", "owner": ""}}, "module_owners": {}},
            "Invalid import facts at `files.a.py`: missing key `is_package`",
        ),
        (
            {"files": {"a.py": {"module": "a", "is_package": 0, "owner": ""}}, "module_owners": {}},
            "Invalid import facts at `files.a.py`: `is_package` must be a boolean",
        ),
        (
            {
                "files": {
                    "a.py": {"module": "a", "is_package": False, "owner": "", "policy": "loose"}
                },
                "module_owners": {},
            },
            (
                "Invalid import facts at `files.a.py`: unknown policy `loose` (expected one of "
                "relative-within-build, relative-within-build-no-parents, absolute)"
            ),
        ),
    ],
)
def test_malformed_facts_are_named(data: object, message: str) -> None:
    with pytest.raises(FactsError) as error:
        ImportFacts.from_json(data)
    assert str(error.value) == message
