from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Optional

from pants.backend.python.target_types import (
    PythonResolveField,
    PythonSourceField,
    PythonTestSourceField,
)
from pants.engine.target import FieldSet, Target
from pants.option.option_types import BoolOption, EnumOption, SkipOption
from pants.option.subsystem import Subsystem
from pants.util.strutil import softwrap

from monorepo_hygiene.imports import RULE_DOCS
from monorepo_hygiene.imports.facts import (
    ABSOLUTE,
    RELATIVE_WITHIN_BUILD,
    RELATIVE_WITHIN_BUILD_NO_PARENTS,
)
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
    relative_within_build_no_parents = RELATIVE_WITHIN_BUILD_NO_PARENTS
    absolute = ABSOLUTE


# Where an option's value came from, by Pants' rank of it (`Rank.value`).
_OPTION_SOURCES = {
    "CONFIG": "pants.toml",
    "CONFIG_DEFAULT": "pants.toml [DEFAULT]",
    "ENVIRONMENT": "the environment",
    "FLAG": "the command line",
}


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
        override the policy per target with `import_policy`. By default the policy follows the
        repo's ruff configuration (TID252's `ban-relative-imports`), see `follow_ruff`.
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
            file, at any depth, absolute otherwise. `{RELATIVE_WITHIN_BUILD_NO_PARENTS}`:
            relative imports only for such modules in the importing module's own package and
            below, absolute through a parent package (ruff's TID252 with
            `ban-relative-imports = "parents"` bans relative imports from parent modules).
            `{ABSOLUTE}`: absolute imports only (like ruff's TID252 with
            `ban-relative-imports = "all"`, but using Pants' source roots). Converting a repo
            between them is one `pants fix ::`. Where the repo's ruff runs TID252, the default
            follows it (`follow_ruff`); a value set here that ruff contradicts is obeyed and
            reported.
            """
        ),
    )
    follow_ruff = BoolOption(
        default=True,
        help=softwrap(
            """
            Read the repo's ruff configuration (`.ruff.toml`, `ruff.toml` or `pyproject.toml`
            `[tool.ruff]` at the build root, with its `extend` chain) and never ask for an
            import its TID252 reports: with `ban-relative-imports = "parents"` the default
            policy becomes `relative-within-build-no-parents`, with `"all"` it becomes
            `absolute`, per file (ruff's `per-file-ignores` respected). A policy set explicitly
            (option or `import_policy` field) that ruff contradicts is obeyed and reported once
            per run, naming both settings.
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

    def explicit_policy_setting(self, field_set: ImportsFieldSet) -> Optional[str]:
        """Where the user set the policy `policy_for` gives, worded for a report; None when it
        is the option's default."""
        if field_set.policy.value:
            return (
                f'`import_policy="{field_set.policy.value}"` of `{field_set.address}` '
                f"({field_set.address.spec_path or '.'}/BUILD)"
            )
        option = "test_policy" if isinstance(field_set.source, PythonTestSourceField) else "policy"
        if self.options.is_default(option):
            return None
        source = _OPTION_SOURCES.get(self.options.get_rank(option).value, "an option")
        value = getattr(self, option).value
        return f'`[{self.options_scope}].{option} = "{value}"` ({source})'
