from __future__ import annotations

from typing import Iterable

from pants.engine.target import BoolField, StringField
from pants.util.strutil import softwrap

from monorepo_hygiene.imports.facts import POLICIES

from ..util.fields import register_on_python_code_targets


class SkipImportStyleField(BoolField):
    alias = "skip_import_style"
    default = False
    help = "If true, don't check this target's imports against the import-style policy."


class ImportPolicyField(StringField):
    alias = "import_policy"
    valid_choices = POLICIES
    help = softwrap(
        """
        The import-style policy for this target's files, overriding `[hygiene-imports].policy`.
        """
    )


def rules() -> Iterable:
    return [
        *register_on_python_code_targets(SkipImportStyleField),
        *register_on_python_code_targets(ImportPolicyField),
    ]
