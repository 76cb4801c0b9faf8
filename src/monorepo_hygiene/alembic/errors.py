"""Errors of the Alembic capability: one base class, structured subclasses.

As in `alembic.script.revision` (`RevisionError`, `CycleDetected`), each subclass keeps the facts
as attributes and builds its message from them, so callers can report them in their own shape.
The facts are plain data (ids, file names, strings), never the graph: the modules that raise
these import this one, and this one imports none of them.
"""

from __future__ import annotations

from typing import Sequence, Tuple

from ..errors import FileError
from .wording import chain_text, quoted


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


class _NeverRewrittenError(RebaseRefusedError):
    """A revision the rebase would move, which `why` says must stay as it is."""

    def __init__(self, revision: str, path: str, line: int, why: str) -> None:
        self.revision = revision
        self.path = path
        self.line = line
        super().__init__(
            f"`{revision}` ({path}:{line}) {why}; it is never rewritten "
            "(`--strategy=merge` joins the heads instead)"
        )


class ProtectedRevisionError(_NeverRewrittenError):
    def __init__(self, revision: str, path: str, line: int, base: str) -> None:
        self.base = base
        super().__init__(
            revision, path, line, f"is on {base} and may already be applied to databases"
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
        chains: Sequence[Tuple[str, Sequence[Tuple[str, str]]]],
        candidates: Sequence[str],
        looked_for: Sequence[str],
    ) -> None:
        """`chains`: each head, with the revisions only it has as (revision, file name) pairs,
        bottom first."""
        self.chains = tuple((head, tuple(chain)) for head, chain in chains)
        self.heads = tuple(head for head, _ in self.chains)
        self.candidates = tuple(candidates)
        if candidates:
            where = f"new to every base candidate ({quoted(candidates)})"
        else:
            where = f"on no base branch (none of {quoted(looked_for)} exists)"
        chains_text = "".join(
            f"\n  head `{head}`: {chain_text(chain)}" for head, chain in self.chains
        )
        super().__init__(
            f"can't tell which side is yours: every head's chain is {where}, and no merge "
            f"commit of this branch brought one in:{chains_text}\n"
            "Pass `--base-ref=<branch that has the other side>`, or `--onto=<head to keep>` "
            "(with `--revisions=<top to move>`)"
        )


class ConflictError(RebaseRefusedError):
    def __init__(self, overlaps: Sequence[str]) -> None:
        """`overlaps`: each overlap described (`Overlap.render()`)."""
        self.overlaps = tuple(overlaps)
        lines = "".join(f"\n  - {overlap}" for overlap in self.overlaps)
        super().__init__(
            "both sides change the same schema objects (`--force` goes ahead anyway):" + lines
        )


class TemplateError(AlembicHygieneError, FileError):
    """A `script.py.mako` that can't be rendered."""


class GitError(AlembicHygieneError):
    """A git command that failed, or a repository that can't answer the question."""

    def __init__(self, reason: str, command: Sequence[str] = (), stderr: str = "") -> None:
        self.reason = reason
        self.command = tuple(command)
        self.stderr = stderr.strip()
        details = f" (`{' '.join(self.command)}`: {self.stderr})" if self.command else ""
        super().__init__(f"{reason}{details}")


class NoBaseRefError(GitError):
    """None of the refs that could be the base branch exists."""

    def __init__(self, candidates: Sequence[str]) -> None:
        self.candidates = tuple(candidates)
        names = ", ".join(f"`{ref}`" for ref in self.candidates)
        super().__init__(f"none of {names} exists; pass the base branch with `--base-ref`")


class VerificationError(AlembicHygieneError):
    """The history read back after writing isn't what the plan promised."""


class HeadMarkerError(RebaseRefusedError):
    """A head marker in conflict that doesn't name one head on each side."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the head marker can't be resolved: {reason}")


class ReleasedRevisionError(_NeverRewrittenError):
    """A revision a release ref has, or whose release marker names a release, would move."""

    def __init__(self, revision: str, path: str, line: int, released_by: str) -> None:
        self.released_by = released_by
        super().__init__(revision, path, line, f"is released ({released_by})")


class ReleaseMarkerError(AlembicHygieneError):
    """A release-marker option that can't be used: `option` names it."""

    def __init__(self, option: str, reason: str) -> None:
        self.option = option
        self.reason = reason
        super().__init__(f"`{option}`: {reason}")
