"""Errors of the Alembic capability: one base class, structured subclasses.

As in `alembic.script.revision` (`RevisionError`, `CycleDetected`), each subclass keeps the facts
as attributes and builds its message from them, so callers can report them in their own shape.
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple


class AlembicHygieneError(Exception):
    """Base of every error the Alembic checks and rewrites raise."""


class MigrationReadError(AlembicHygieneError):
    """A migration file whose revision metadata can't be read statically."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}")


class AlembicConfigError(AlembicHygieneError):
    """An `alembic.ini` that doesn't say where its migrations live."""

    def __init__(self, path: str, line: Optional[int], reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        location = path if line is None else f"{path}:{line}"
        super().__init__(f"{location}: {reason}")


class RevisionCycleError(AlembicHygieneError):
    """An operation that needs an acyclic history met a cycle."""

    def __init__(self, revisions: Sequence[str]) -> None:
        self.revisions: Tuple[str, ...] = tuple(revisions)
        super().__init__(f"Cycle is detected in revisions ({', '.join(self.revisions)})")


class UnknownRevisionError(AlembicHygieneError):
    """A revision id the history doesn't contain."""

    def __init__(self, revision: str) -> None:
        self.revision = revision
        super().__init__(f"No such revision `{revision}`")
