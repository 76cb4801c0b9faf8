"""Planning a rebase, pure: which chains move onto which head, the `down_revision` changes that
does, and where the chains' schema operations overlap what they were written without.

`rebase.py` gathers the facts (git, files) and writes the plan out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import AbstractSet, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .errors import (
    BaseHeadsError,
    ProtectedRevisionError,
    ReleasedRevisionError,
    UnknownRevisionError,
)
from .graph import RevisionGraph
from .operations import Effect, Overlap, SchemaOperation, find_overlaps
from .wording import quoted


@dataclass(frozen=True)
class ChainMove:
    """A head's own chain put on top of `onto`."""

    head: str
    onto: str
    # Bottom first, `head` last.
    revisions: Tuple[str, ...]
    # Revisions that end up below the chain although it was written without them: what its
    # schema operations are compared with.
    unseen: Tuple[str, ...]


@dataclass(frozen=True)
class DownRevisionChange:
    revision: str
    path: str
    line: int
    old: Tuple[str, ...]
    new: Tuple[str, ...]

    def describe(self) -> str:
        return f"`down_revision` of `{self.revision}`: {quoted(self.old)} -> {quoted(self.new)}"


@dataclass(frozen=True)
class RebasePlan:
    moves: Tuple[ChainMove, ...]
    changes: Tuple[DownRevisionChange, ...]
    heads_after: Tuple[str, ...]


def choose_targets(
    graph: RevisionGraph, theirs: AbstractSet[str], added_order: Mapping[str, int]
) -> Tuple[Optional[str], Tuple[str, ...]]:
    """(onto, tops) when git decides: the head of the base branch's revisions (`theirs`), and
    every other head, oldest chain first (by `added_order`, revision -> commit position)."""
    present = {revision for revision in graph.revisions if revision in theirs}
    their_heads = sorted(
        revision
        for revision in present
        if not any(child in present for child in graph.children(revision))
    )
    if len(their_heads) > 1:
        raise BaseHeadsError(their_heads)
    onto = their_heads[0] if their_heads else None
    base = [onto] if onto is not None else []
    unknown = len(added_order) + 1

    def age(head: str) -> Tuple[int, str]:
        chain = graph.own_chain(head, base).revisions
        return min(added_order.get(revision, unknown) for revision in chain), head

    tops = sorted((head for head in graph.heads if head not in present), key=age)
    return onto, tuple(tops)


def stack_chains(
    graph: RevisionGraph, onto: Optional[str], tops: Sequence[str]
) -> Tuple[ChainMove, ...]:
    """Each top's own chain, stacked on `onto` and on the chains before it.

    Without `onto`, the first top's chain stays where it is and the others go on top of it. A top
    already below the stack moves nothing.
    """
    for revision in (*([onto] if onto is not None else []), *tops):
        if revision not in graph:
            raise UnknownRevisionError(revision)
    placed: List[str] = []
    stack: Set[str] = set()
    if onto is not None:
        placed.append(onto)
        stack |= graph.ancestors(onto) | {onto}
    moves: List[ChainMove] = []
    for top in tops:
        if top in stack:
            continue
        chain = graph.own_chain(top, placed)
        if placed:
            seen: Set[str] = set()
            for fork_point in chain.fork_points:
                seen |= graph.ancestors(fork_point) | {fork_point}
            unseen = tuple(sorted(stack - seen))
            moves.append(ChainMove(top, placed[-1], chain.revisions, unseen))
        stack |= set(chain.revisions)
        placed.append(top)
    return tuple(moves)


def plan_rebase(
    graph: RevisionGraph,
    tops: Sequence[str],
    onto: Optional[str],
    protected: AbstractSet[str],
    protected_by: str = "the base branch",
    released: Optional[Mapping[str, str]] = None,
) -> RebasePlan:
    """The `down_revision` changes that stack each top's chain on `onto` (see `stack_chains`).

    In each chain, a revision whose `down_revision` leaves the chain (or that is a base) gets
    the chain's new parent in place of the outside ids, unless it already reaches the new parent
    through a parent inside the chain (a merge migration of ours and theirs keeps only ours).
    Raises ProtectedRevisionError when a chain holds a `protected` revision, and
    ReleasedRevisionError when it holds a `released` one (revision -> what releases it).
    """
    moves = stack_chains(graph, onto, tops)
    new_down: Dict[str, Tuple[str, ...]] = {
        revision: graph.migration(revision).down_revisions for revision in graph.revisions
    }
    changes: List[DownRevisionChange] = []
    for move in moves:
        members = set(move.revisions)
        for revision in move.revisions:
            if revision in protected:
                migration = graph.migration(revision)
                raise ProtectedRevisionError(
                    revision, migration.path, migration.revision_line, protected_by
                )
            if released and revision in released:
                migration = graph.migration(revision)
                raise ReleasedRevisionError(
                    revision, migration.path, migration.revision_line, released[revision]
                )
        reaching: Set[str] = set()
        for revision in move.revisions:
            old = new_down[revision]
            inside = [parent for parent in old if parent in members]
            if any(parent in reaching for parent in inside):
                new = tuple(inside)
            elif len(inside) < len(old) or not old:
                # The new parent takes the place of the first outside one.
                first = next((i for i, parent in enumerate(old) if parent not in members), 0)
                new = (*old[:first], move.onto, *(p for p in old[first:] if p in members))
            else:
                continue
            reaching.add(revision)
            if new != old:
                new_down[revision] = new
                migration = graph.migration(revision)
                changes.append(
                    DownRevisionChange(
                        revision, migration.path, migration.down_revision_line, old, new
                    )
                )
    after = RevisionGraph.from_migrations(
        dataclasses.replace(graph.migration(revision), down_revisions=new_down[revision])
        for revision in graph.revisions
    )
    return RebasePlan(moves, tuple(changes), after.heads)


def find_conflicts(
    moves: Sequence[ChainMove], operations: Callable[[str], Sequence[SchemaOperation]]
) -> Tuple[Tuple[Overlap, ...], Tuple[SchemaOperation, ...]]:
    """(overlaps, operations that couldn't be compared) between each chain and what it didn't
    see; `operations` gives a revision's upgrade operations."""
    overlaps: Dict[Tuple[str, str], Overlap] = {}
    unknown: Dict[SchemaOperation, None] = {}
    for move in moves:
        theirs = [op for revision in move.unseen for op in operations(revision)]
        ours = [op for revision in move.revisions for op in operations(revision)]
        for overlap in find_overlaps(theirs, ours):
            overlaps.setdefault((overlap.subject, overlap.reason), overlap)
        for op in (*theirs, *ours):
            if op.effect is Effect.UNKNOWN:
                unknown[op] = None
    return tuple(overlaps.values()), tuple(unknown)
