"""The wheel installs into any Pants 2.17-2.33 through `[GLOBAL].plugins`: pip must find nothing
to resolve against the Pants that installs it, and accept each interpreter those Pants run on."""

from __future__ import annotations

import zipfile
from email.parser import Parser
from pathlib import Path

# `runtime_package_dependencies` puts the built wheel at the sandbox root.
WHEEL = Path("pants_monorepo_hygiene-0.1.0-py3-none-any.whl")


def test_the_wheel_requires_no_pants_and_any_python_pants_runs_on() -> None:
    with zipfile.ZipFile(WHEEL) as wheel:
        metadata = Parser().parsestr(
            wheel.read("pants_monorepo_hygiene-0.1.0.dist-info/METADATA").decode()
        )
    # No `pantsbuild.pants`; only tomli, TOML 1.0 where CPython has no tomllib (Pants 2.17-2.24).
    assert metadata.get_all("Requires-Dist") == ['tomli (>=1.1.0) ; python_version < "3.11"']
    # CPython 3.9 (Pants 2.17-2.24), 3.11 (2.25-2.31) and 3.14 (2.32).
    assert metadata["Requires-Python"] == ">=3.9,<3.15"
