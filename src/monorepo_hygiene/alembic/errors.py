"""Errors of the Alembic capability: one base class, structured subclasses.

As in `alembic.script.revision` (`RevisionError`, `CycleDetected`), each subclass keeps the facts
as attributes and builds its message from them, so callers can report them in their own shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence, Tuple

from ..errors import FileError
from .wording import chain_text, quoted

if TYPE_CHECKING:  # Annotations only: both import this module (operations.py via reader.py).
    from .graph import RevisionGraph
    from .operations import Overlap


class AlembicHygieneError(Exception):
    """Base of every error the Alembic checks and rewrites raise."""


class MigrationReadError(AlembicHygieneError, FileError):
    """A migration file whose revision metadata can't be read statically."""

    line: int

    def __init__(self, path: str, line: int, reason: str) -> None:
        FileError.__init__(self, path, line, reason)


class AlembicConfigError(AlembicHygieneError, FileError):
    """An `alembic.ini` that doesn't say where its migrations live."""


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


class RebaseRefusedError(AlembicHygieneError):
    """The history can't be made linear safely as asked; nothing was written."""


class ProtectedRevisionError(RebaseRefusedError):
    def __init__(self, revision: str, path: str, line: int, base: str) -> None:
        self.revision = revision
        self.path = path
        self.line = line
        self.base = base
        super().__init__(
            f"`{revision}` ({path}:{line}) is on {base} and may already be applied to "
            "databases; it is never rewritten"
        )


class BaseHeadsError(RebaseRefusedError):
    def __init__(self, heads: Sequence[str]) -> None:
        self.heads = tuple(heads)
        super().__init__(
            f"the base branch's own revisions have several heads ({quoted(self.heads)}); joining "
            "them would rewrite applied revisions: use `--strategy=merge`"
        )


class AmbiguousSidesError(RebaseRefusedError):
    """Every head's chain is new to every base candidate: no side is known to be the base's."""

    def __init__(
        self,
        graph: RevisionGraph,
        heads: Sequence[str],
        candidates: Sequence[str],
        looked_for: Sequence[str],
    ) -> None:
        self.heads = tuple(heads)
        self.candidates = tuple(candidates)
        if candidates:
            where = f"new to every base candidate ({quoted(candidates)})"
        else:
            where = f"on no base branch (none of {quoted(looked_for)} exists)"
        chains = "".join(
            f"\n  head `{chain.head}`: {chain_text(chain.revisions, graph)}"
            for chain in (graph.own_chain(head, [h for h in heads if h != head]) for head in heads)
        )
        super().__init__(
            f"can't tell which side is yours: every head's chain is {where}, and no merge "
            f"commit of this branch brought one in:{chains}\n"
            "Pass `--base-ref=<branch that has the other side>`, or `--onto=<head to keep>` "
            "(with `--revisions=<top to move>`)"
        )


class ConflictError(RebaseRefusedError):
    def __init__(self, overlaps: Sequence[Overlap]) -> None:
        self.overlaps = tuple(overlaps)
        lines = "".join(f"\n  - {overlap.render()}" for overlap in self.overlaps)
        super().__init__(
            "both sides change the same schema objects (`--force` goes ahead anyway):" + lines
        )


class VerificationError(AlembicHygieneError):
    """The history read back after writing isn't what the plan promised."""
