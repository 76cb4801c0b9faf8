from __future__ import annotations

from dataclasses import dataclass

from pants.backend.python.target_types import PythonSourceField
from pants.engine.target import FieldSet, Target
from pants.option.option_types import BoolOption, SkipOption, StrListOption
from pants.option.option_value_container import OptionValueContainer
from pants.option.subsystem import Subsystem
from pants.util.strutil import softwrap

from monorepo_hygiene.annotations import RULE_CODES, RULE_DOCS
from monorepo_hygiene.annotations.codes import (
    MISSING_FIXTURE_ANNOTATION,
    MISSING_PARAMETER_ANNOTATION,
    MISSING_RETURN_ANNOTATION,
)
from monorepo_hygiene.rule_docs import render_rule_docs

from ..util.options import InvalidOptionValue, one_of
from .fields import SkipReturnAnnotationsField


@dataclass(frozen=True)
class AnnotationsFieldSet(FieldSet):
    required_fields = (PythonSourceField,)

    source: PythonSourceField

    @classmethod
    def opt_out(cls, tgt: Target) -> bool:
        return tgt.get(SkipReturnAnnotationsField).value


class AnnotationsSubsystem(Subsystem):
    options_scope = "hygiene-annotations"
    name = "hygiene-annotations"
    help = (
        softwrap(
            """
        Every function and method has a return annotation; `pants fix` adds `-> None` where
        that is provably right.

        Suppress a finding with `# noqa: CODE` on the `def` line, a decorator line or any line
        of the signature; skip a whole target with `skip_return_annotations=True`.
        """
        )
        + "\n\nCodes:\n\n"
        + render_rule_docs(RULE_DOCS)
    )

    skip = SkipOption("lint", "fix")
    select = StrListOption(
        default=[MISSING_RETURN_ANNOTATION],
        help=softwrap(
            f"""
            The codes to report: `{MISSING_RETURN_ANNOTATION}` (missing return annotation),
            `{MISSING_PARAMETER_ANNOTATION}` (missing parameter annotation, `self`/`cls` exempt;
            off by default) and `{MISSING_FIXTURE_ANNOTATION}` (missing
            annotation on a test's or fixture's parameter naming a fixture, fixed from the
            fixture's return type; off by default).
            """
        ),
    )
    allow_init_without_return = BoolOption(
        default=False,
        help=softwrap(
            """
            Let `__init__` omit `-> None` when at least one of its parameters is annotated
            (mypy's convention; ruff's `mypy-init-return`).
            """
        ),
    )

    def __init__(self, options: OptionValueContainer) -> None:
        super().__init__(options)
        # The checker reads codes case-insensitively, as ruff does.
        unknown = sorted(code for code in self.select if code.strip().upper() not in RULE_CODES)
        if unknown:
            problem = f"unknown code(s) {', '.join(f'`{code}`' for code in unknown)}"
            raise InvalidOptionValue(
                self.options_scope, "select", problem, one_of(sorted(RULE_CODES))
            )

    @property
    def checks_fixtures(self) -> bool:
        """HA103 reads the conftest.py files above each file."""
        return any(code.strip().upper() == MISSING_FIXTURE_ANNOTATION for code in self.select)

    def checker_args(self) -> tuple[str, ...]:
        return (
            f"--select={','.join(self.select)}",
            *(["--allow-init-without-return"] if self.allow_init_without_return else []),
        )
