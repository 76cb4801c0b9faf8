"""What shapes the annotation rule: the codes selected, and mypy's `__init__` convention."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import FrozenSet

from .codes import MISSING_RETURN_ANNOTATION, RULE_CODES


@dataclass(frozen=True)
class AnnotationOptions:
    select: FrozenSet[str] = field(default_factory=lambda: frozenset({MISSING_RETURN_ANNOTATION}))
    # mypy's convention: an `__init__` method may omit `-> None` when at least one parameter
    # besides `self` is annotated (mypy then checks it as a typed function).
    allow_init_without_return: bool = False

    def __post_init__(self) -> None:
        unknown = sorted(set(self.select) - RULE_CODES)
        if unknown:
            raise ValueError(
                f"unknown code(s) {', '.join(unknown)}; choose from {', '.join(sorted(RULE_CODES))}"
            )


DEFAULT_OPTIONS = AnnotationOptions()
