"""Released migrations: a release marker in the file (`# Part of: 26.8.0`), or a release ref.

A revision that is part of a release may be applied to databases that never see a rewrite, so
`rebase-alembic` never moves one (`--strategy=merge` joins the heads instead), and
`check-alembic` can require the marker in every new migration (HM117).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Pattern

from .errors import ReleaseMarkerError

# The named group of the release-marker regex that holds the release.
RELEASE_GROUP = "release"


@dataclass(frozen=True)
class MarkerMatch:
    """A release marker found in a migration: the release it names and where."""

    release: str
    line: int
    text: str


@dataclass(frozen=True)
class ReleaseMarker:
    """The release-marker regex (with a `release` group) and the placeholder value that means
    "not released yet" (`NEXT_RELEASE_VERSION`), as configured."""

    pattern: Pattern[str]
    placeholder: Optional[str] = None

    @classmethod
    def parse(
        cls, pattern: str, placeholder: Optional[str], option: str = "release_marker"
    ) -> "ReleaseMarker":
        """Raises ReleaseMarkerError naming `option` when the regex can't be used."""
        try:
            compiled = re.compile(pattern, re.MULTILINE)
        except re.error as e:
            raise ReleaseMarkerError(option, f"not a regular expression: {e}") from None
        if RELEASE_GROUP not in compiled.groupindex:
            raise ReleaseMarkerError(
                option, f"needs a named group `(?P<{RELEASE_GROUP}>...)` holding the release"
            )
        return cls(compiled, placeholder or None)

    def find(self, text: str) -> Optional[MarkerMatch]:
        """The first marker in a migration's text."""
        match = self.pattern.search(text)
        if match is None:
            return None
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        return MarkerMatch(
            release=match.group(RELEASE_GROUP) or "",
            line=text.count("\n", 0, match.start()) + 1,
            text=text[line_start : line_end if line_end != -1 else len(text)].strip(),
        )

    def released(self, text: str) -> Optional[MarkerMatch]:
        """The marker, when it names a release (not the placeholder)."""
        found = self.find(text)
        if found is None or not found.release or found.release == self.placeholder:
            return None
        return found
