"""`# noqa` comments, with ruff's and flake8's meaning.

`# noqa` alone suppresses every code on its line; `# noqa: A1, B2` only those codes.
"""

from __future__ import annotations

import re
from typing import FrozenSet, Optional

_NOQA_RE = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)

# Marks a bare `# noqa`, which suppresses every code.
ALL_CODES: FrozenSet[str] = frozenset({"*"})


def noqa_codes(line_text: str) -> Optional[FrozenSet[str]]:
    """The codes a line's `# noqa` comment suppresses: None without one, ALL_CODES when bare."""
    match = _NOQA_RE.search(line_text)
    if match is None:
        return None
    codes = match.group("codes")
    if not codes:
        return ALL_CODES
    return frozenset(code.upper() for code in re.split(r"[,\s]+", codes.strip()) if code)


def is_suppressed(code: str, line_texts: "list[str]") -> bool:
    """Whether any of the given lines carries a `# noqa` that covers `code`."""
    for line_text in line_texts:
        codes = noqa_codes(line_text)
        if codes is not None and (codes is ALL_CODES or code in codes):
            return True
    return False
