"""What every core test shares: the hypothesis profile, and fixtures more than one module needs.

The property tests are derandomized by default (under `CI=true`, `./pants test` and a plain
`pytest`): each run tries the same examples, so a submission can't fail on an example nobody
changed code for. `HYGIENE_HYPOTHESIS_PROFILE=random` gives a longer exploring run instead: fresh
random examples each time and ten times each test's `max_examples`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import List, Set

import pytest
from hypothesis import settings

from tests.monorepo_hygiene.services import fresh_postgres_database

PROFILE_VARIABLE = "HYGIENE_HYPOTHESIS_PROFILE"
# How many times each test's own `max_examples` the random profile tries.
RANDOM_RUN_SCALE = 10

# No example database either: a failure replayed from `.hypothesis/` would make two runs of the
# same code differ. A failure prints its example (and `@reproduce_failure`) to reproduce it.
settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("random", derandomize=False, print_blob=True)
PROFILE = os.environ.get(PROFILE_VARIABLE) or "deterministic"
# Loaded before pytest imports any test module: a `@settings(...)` inherits the profile's values
# when the decorator runs, at import.
settings.load_profile(PROFILE)


def pytest_report_header() -> List[str]:
    return [
        f"hypothesis profile: {PROFILE} (set {PROFILE_VARIABLE}=random for a longer random run)"
    ]


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Under the random profile, scale every property test's own `max_examples`: the tests set
    their count explicitly, which wins over a profile's."""
    if PROFILE != "random":
        return
    scaled: Set[int] = set()
    for item in items:
        # A parametrized test is one function behind several items: scale it once.
        test = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        if not getattr(test, "is_hypothesis_test", False) or id(test) in scaled:
            continue
        scaled.add(id(test))
        # Hypothesis keeps a test's settings here and reads them when the test runs; applying
        # `@settings` a second time is refused, so the scaled settings replace them in place.
        own = test._hypothesis_internal_use_settings
        test._hypothesis_internal_use_settings = settings(
            own, max_examples=own.max_examples * RANDOM_RUN_SCALE
        )


@pytest.fixture
def no_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Alembic imports the migrations it reads: no `__pycache__` in a versions directory (an
    untracked file to git, a stale module between examples)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", True)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    with fresh_postgres_database("hygiene_test") as url:
        yield url
