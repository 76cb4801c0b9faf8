"""Registering the suite's per-target fields on every Python source and test target type."""

from __future__ import annotations

from typing import List, Type

from pants.backend.python.target_types import (
    PythonSourcesGeneratorTarget,
    PythonSourceTarget,
    PythonTestsGeneratorTarget,
    PythonTestTarget,
    PythonTestUtilsGeneratorTarget,
)
from pants.engine.target import Field
from pants.engine.unions import UnionRule

PYTHON_CODE_TARGET_TYPES = (
    PythonSourcesGeneratorTarget,
    PythonSourceTarget,
    PythonTestsGeneratorTarget,
    PythonTestTarget,
    PythonTestUtilsGeneratorTarget,
)


def register_on_python_code_targets(field: Type[Field]) -> List[UnionRule]:
    return [target_type.register_plugin_field(field) for target_type in PYTHON_CODE_TARGET_TYPES]
