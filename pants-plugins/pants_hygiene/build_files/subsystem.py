from __future__ import annotations

from pants.option.option_types import BoolOption, DictOption, SkipOption, StrListOption, StrOption
from pants.option.option_value_container import OptionValueContainer
from pants.option.subsystem import Subsystem
from pants.util.strutil import softwrap

from monorepo_hygiene.build_files import (
    DEFAULT_PYTHON_TARGET_ALIASES,
    RULE_DOCS,
    BuildFileOptions,
    PolicyRule,
)
from monorepo_hygiene.build_files.options import DEFAULT_OPTIONS, POLICIES
from monorepo_hygiene.rule_docs import render_rule_docs

from ..util.options import InvalidOptionValue, one_of

# Characters that make a path a glob: a prefix is a plain directory path.
_GLOB_CHARACTERS = frozenset("*?[]!")


class BuildFilesSubsystem(Subsystem):
    options_scope = "hygiene-build-files"
    name = "hygiene-build-files"
    help = (
        softwrap(
            """
        Every Python file is owned by a Python target, test files by test targets, and BUILD
        files sit where the layout policy says; `pants fix` writes the missing BUILD files.

        Unlike `pants tailor --check`, a file owned only by a `files`/`resources` glob counts as
        unowned, one BUILD file may own a whole package subtree, and findings say what to do.
        Suppress a BUILD-file finding with `# noqa: CODE` on the target's line.
        """
        )
        + "\n\nCodes:\n\n"
        + render_rule_docs(RULE_DOCS)
    )

    skip = SkipOption("lint", "fix")
    policies = DictOption[str](
        default={rule.prefix: rule.policy for rule in DEFAULT_OPTIONS.policies},
        help=softwrap(
            f"""
            Where BUILD files live, by path prefix (the longest matching prefix wins): `subtree`
            (one BUILD file at each package root owns everything below it; nested BUILD files are
            findings), `per-directory` (every directory with Python files has its own BUILD
            file), or `ignore`. One of: {", ".join(POLICIES)}.
            """
        ),
    )
    default_policy = StrOption(
        default=DEFAULT_OPTIONS.default_policy,
        help="The policy for paths that match no prefix in `[hygiene-build-files].policies`.",
    )
    extra_python_target_aliases = StrListOption(
        help=softwrap(
            f"""
            Target types (aliases, e.g. your macros) whose ownership counts, in addition to
            {", ".join(f"`{alias}`" for alias in DEFAULT_PYTHON_TARGET_ALIASES)}.
            """
        ),
    )
    test_file_globs = StrListOption(
        default=list(DEFAULT_OPTIONS.test_file_globs),
        help="File-name patterns of test modules, which belong in `python_tests` targets.",
    )
    ignore_empty_init = BoolOption(
        default=DEFAULT_OPTIONS.ignore_empty_init,
        help="Don't report `__init__.py` files that hold nothing but comments or a docstring.",
    )

    def __init__(self, options: OptionValueContainer) -> None:
        super().__init__(options)
        if self.default_policy not in POLICIES:
            problem = f"unknown policy `{self.default_policy}`"
            raise InvalidOptionValue(
                self.options_scope, "default_policy", problem, one_of(POLICIES)
            )
        for prefix, policy in sorted(self.policies.items()):
            if policy not in POLICIES:
                problem = f"unknown policy `{policy}` for prefix `{prefix}`"
                raise InvalidOptionValue(self.options_scope, "policies", problem, one_of(POLICIES))
            parts = prefix.replace("\\", "/").split("/")
            if prefix.startswith("/") or ".." in parts or _GLOB_CHARACTERS & set(prefix):
                problem = f"`{prefix}` is not a directory path relative to the build root"
                expected = "a relative directory path such as `src/` or `tests/unit/`"
                raise InvalidOptionValue(self.options_scope, "policies", problem, expected)

    def build_file_options(self, build_file_name: str) -> BuildFileOptions:
        return BuildFileOptions(
            policies=tuple(
                PolicyRule(prefix, policy) for prefix, policy in sorted(self.policies.items())
            ),
            default_policy=self.default_policy,
            python_target_aliases=(
                *DEFAULT_PYTHON_TARGET_ALIASES,
                *self.extra_python_target_aliases,
            ),
            test_file_globs=tuple(self.test_file_globs),
            ignore_empty_init=self.ignore_empty_init,
            build_file_name=build_file_name,
        )
