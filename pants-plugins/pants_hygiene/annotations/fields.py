from typing import Iterable

from pants.engine.target import BoolField

from ..util.fields import register_on_python_code_targets


class SkipReturnAnnotationsField(BoolField):
    alias = "skip_return_annotations"
    default = False
    help = "If true, don't check this target's code for missing return annotations."


def rules() -> Iterable:
    return register_on_python_code_targets(SkipReturnAnnotationsField)
