from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pants.backend.python.target_types import (
    PythonResolveField,
    PythonSourceField,
    PythonTestSourceField,
)
from pants.engine.target import FieldSet, Target
from pants.option.option_types import EnumOption, SkipOption
from pants.option.subsystem import Subsystem
from pants.util.strutil import softwrap

from monorepo_hygiene.imports import RULE_DOCS
from monorepo_hygiene.imports.facts import ABSOLUTE, RELATIVE_WITHIN_BUILD
from monorepo_hygiene.rule_docs import render_rule_docs

from .fields import ImportPolicyField, SkipImportStyleField


@dataclass(frozen=True)
class ImportsFieldSet(FieldSet):
    required_fields = (PythonSourceField,)

    source: PythonSourceField
    resolve: PythonResolveField
    policy: ImportPolicyField

    @classmethod
    def opt_out(cls, tgt: Target) -> bool:
        return tgt.get(SkipImportStyleField).value


class ImportPolicy(Enum):
    relative_within_build = RELATIVE_WITHIN_BUILD
    absolute = ABSOLUTE


class ImportsSubsystem(Subsystem):
    options_scope = "hygiene-imports"
    name = "hygiene-imports"
    help = (
        softwrap(
            """
        Import style tied to BUILD files: relative imports inside the subtree one BUILD file
        owns, absolute imports across subtrees and for third-party and standard-library
        modules; `pants fix` converts both ways.

        A module's subtree is the directory of the BUILD file that declares the target owning
        it; the owner of an imported module comes from Pants' first-party module mapping.
        Suppress a finding with `# noqa: CODE`; skip a target with `skip_import_style=True`;
        override the policy per target with `import_policy`.
        """
        )
        + "\n\nCodes:\n\n"
        + render_rule_docs(RULE_DOCS)
    )

    skip = SkipOption("lint", "fix")
    policy = EnumOption(
        default=ImportPolicy.relative_within_build,
        help=softwrap(
            f"""
            `{RELATIVE_WITHIN_BUILD}`: relative imports for modules owned by the same BUILD
            file, absolute otherwise. `{ABSOLUTE}`: absolute imports only (like ruff's TID252
            with `ban-relative-imports = "all"`, but using Pants' source roots). Converting a
            repo between the two is one `pants fix ::`.
            """
        ),
    )
    test_policy = EnumOption(
        default=ImportPolicy.absolute,
        help=softwrap(
            """
            The policy for test files (`python_tests` targets). pytest imports a test module by
            its file name unless its directory is a package, so relative imports in test
            directories without `__init__.py` fail; `absolute` is the safe default.
            """
        ),
    )

    def policy_for(self, field_set: ImportsFieldSet) -> str:
        if field_set.policy.value:
            return field_set.policy.value
        if isinstance(field_set.source, PythonTestSourceField):
            return self.test_policy.value
        return self.policy.value
