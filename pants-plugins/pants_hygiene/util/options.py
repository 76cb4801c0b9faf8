"""Option values Pants can't validate by their type alone, refused when the subsystem is built.

Pants checks an `EnumOption` itself; a list of codes or a dict of policies it can't, and a bad
value there must still be an option error naming the option and what it may be, before any
checker runs on it.
"""

from __future__ import annotations

from typing import Iterable

from pants.option.errors import OptionsError


class InvalidOptionValue(OptionsError):
    def __init__(self, scope: str, option: str, problem: str, expected: str) -> None:
        self.scope = scope
        self.option = option
        super().__init__(f"Invalid `[{scope}].{option}`: {problem}; expected {expected}.")


def one_of(values: Iterable[str]) -> str:
    return f"one of {', '.join(f'`{value}`' for value in values)}"
