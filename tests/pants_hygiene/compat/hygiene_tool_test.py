"""`[hygiene-tool]` as Pants 2.22+ reads it: they register `install_from_resolve` with help text
naming the version of `default_requirements[0]` found in the default lockfile (an `IndexError`
without it), and check the lockfile against the tool's requirements."""

from __future__ import annotations

import json
from importlib import resources

from pants.backend.python.pip_requirement import PipRequirement

from pants_hygiene.tool.subsystem import HygieneTool


def _shipped_lockfile() -> str:
    package, name = HygieneTool.default_lockfile_resource
    return resources.read_text(package, name)


def test_the_first_default_requirement_is_locked_in_the_shipped_lockfile() -> None:
    lockfile = _shipped_lockfile()
    body = json.loads(
        "\n".join(line for line in lockfile.splitlines() if not line.startswith("//"))
    )
    locked = {
        requirement["project_name"]: requirement["version"]
        for resolve in body["locked_resolves"]
        for requirement in resolve["locked_requirements"]
    }
    primary = PipRequirement.parse(HygieneTool.default_requirements[0])
    assert primary.project_name == "libcst"
    assert primary.project_name in locked


def test_the_default_requirements_are_what_the_lockfile_was_generated_with() -> None:
    metadata = _shipped_lockfile().split("--- BEGIN PANTS LOCKFILE METADATA")[1]
    metadata = metadata.split("--- END PANTS LOCKFILE METADATA")[0]
    header = "\n".join(line[3:] for line in metadata.splitlines()[1:])
    generated_with = {
        PipRequirement.parse(req) for req in json.loads(header)["generated_with_requirements"]
    }
    assert generated_with == {PipRequirement.parse(req) for req in HygieneTool.default_requirements}
