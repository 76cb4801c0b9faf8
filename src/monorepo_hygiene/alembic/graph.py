"""The revision graph of one Alembic history, built from statically read migrations.

Semantics follow `alembic.script.revision.RevisionMap`:
- `down_revision` edges make the history: a *head* is a revision no other revision's
  `down_revision` names, a *base* one whose `down_revision` is empty.
- `depends_on` entries (revision ids or branch labels) are dependencies: they order upgrades but
  don't make heads or bases. Alembic's "real" heads and bases (`_real_heads`, `_real_bases`) also
  count them; they are `real_heads` and `real_bases` here.
- When two files declare the same id, the later one (in the order given) wins, as in alembic.
References to revisions that aren't in the history are kept aside (`missing_down_revisions`,
`unresolved_dependencies`) rather than failing, so a broken history can still be reported on.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass
from typing import (
    Callable,
    Deque,
    Dict,
    FrozenSet,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
)

from .errors import RevisionCycleError, UnknownRevisionError
from .reader import Migration


@dataclass(frozen=True)
class HeadChain:
    """The revisions only one head has, oldest first: what a rebase or merge has to move."""

    head: str
    # Ancestors-or-self of `head` that no other head considered has, bottom first, `head` last.
    revisions: Tuple[str, ...]
    # The shared revisions the chain builds on; () when the chain goes down to a base.
    fork_points: Tuple[str, ...]


class RevisionGraph:
    def __init__(self, migrations: Mapping[str, Migration]) -> None:
        """Use `from_migrations`; `migrations` maps each revision id to its migration."""
        self._migrations = dict(migrations)
        self._sorted_revisions = tuple(sorted(self._migrations))
        self._label_owners: Dict[str, str] = {}
        for revision in self._sorted_revisions:
            for label in self._migrations[revision].branch_labels:
                self._label_owners.setdefault(label, revision)
        self._parents: Dict[str, Tuple[str, ...]] = {}
        self._dependencies: Dict[str, Tuple[str, ...]] = {}
        self._children: Dict[str, List[str]] = {revision: [] for revision in self._migrations}
        self._dependents: Dict[str, List[str]] = {revision: [] for revision in self._migrations}
        missing: List[Tuple[str, str]] = []
        unresolved: List[Tuple[str, str]] = []
        for revision in self._sorted_revisions:
            migration = self._migrations[revision]
            parents: List[str] = []
            for down in migration.down_revisions:
                if down in self._migrations:
                    parents.append(down)
                    self._children[down].append(revision)
                else:
                    missing.append((revision, down))
            dependencies: List[str] = []
            for name in migration.depends_on:
                target = self.resolve(name)
                if target is None:
                    unresolved.append((revision, name))
                elif target not in dependencies:
                    dependencies.append(target)
                    self._dependents[target].append(revision)
            self._parents[revision] = tuple(parents)
            self._dependencies[revision] = tuple(dependencies)
        self._missing_down_revisions = tuple(missing)
        self._unresolved_dependencies = tuple(unresolved)
        # The graph never changes: the whole-history search is done once.
        self._cycles: Optional[List[Tuple[str, ...]]] = None

    @classmethod
    def from_migrations(cls, migrations: Iterable[Migration]) -> "RevisionGraph":
        return cls({migration.revision: migration for migration in migrations})

    # --- The revisions -------------------------------------------------------------------------

    @property
    def revisions(self) -> Tuple[str, ...]:
        return self._sorted_revisions

    def __contains__(self, revision: object) -> bool:
        return revision in self._migrations

    def __len__(self) -> int:
        return len(self._migrations)

    def migration(self, revision: str) -> Migration:
        return self._migrations[self._known(revision)]

    def with_files(self, revisions: Iterable[str]) -> List[Tuple[str, str]]:
        """(revision, its file name) for each, as `wording` names them in messages."""
        return [(revision, self.migration(revision).file_name) for revision in revisions]

    def resolve(self, name: str) -> Optional[str]:
        """The revision a `depends_on` entry names: a revision id or a branch label."""
        if name in self._migrations:
            return name
        return self._label_owners.get(name)

    @property
    def heads(self) -> Tuple[str, ...]:
        """Revisions no `down_revision` names, sorted (alembic's `RevisionMap.heads`)."""
        return tuple(r for r in self.revisions if not self._children[r])

    @property
    def bases(self) -> Tuple[str, ...]:
        """Revisions with no `down_revision`, sorted (alembic's `RevisionMap.bases`)."""
        return tuple(r for r in self.revisions if not self._migrations[r].down_revisions)

    @property
    def real_heads(self) -> Tuple[str, ...]:
        """Heads that no `depends_on` names either (alembic's `_real_heads`)."""
        return tuple(r for r in self.heads if not self._dependents[r])

    @property
    def real_bases(self) -> Tuple[str, ...]:
        """Bases without `depends_on` (alembic's `_real_bases`)."""
        return tuple(r for r in self.bases if not self._migrations[r].depends_on)

    # --- Edges ---------------------------------------------------------------------------------

    def parents(self, revision: str) -> Tuple[str, ...]:
        """The `down_revision`s present in the history, in the order the file lists them."""
        return self._parents[self._known(revision)]

    def children(self, revision: str) -> Tuple[str, ...]:
        """Revisions whose `down_revision` names `revision`, sorted."""
        return tuple(self._children[self._known(revision)])

    def dependencies(self, revision: str) -> Tuple[str, ...]:
        """The revisions `depends_on` names (labels resolved), in the order the file lists them."""
        return self._dependencies[self._known(revision)]

    def dependents(self, revision: str) -> Tuple[str, ...]:
        """Revisions whose `depends_on` names `revision` (by id or label), sorted."""
        return tuple(self._dependents[self._known(revision)])

    def missing_down_revisions(self) -> Tuple[Tuple[str, str], ...]:
        """(revision, id) for each `down_revision` entry naming no revision of the history."""
        return self._missing_down_revisions

    def unresolved_dependencies(self) -> Tuple[Tuple[str, str], ...]:
        """(revision, name) for each `depends_on` entry naming no revision or branch label."""
        return self._unresolved_dependencies

    def ancestors(self, revision: str, include_dependencies: bool = False) -> FrozenSet[str]:
        """Revisions below `revision` (not itself) along `down_revision` (and `depends_on`)."""
        return self._reachable(revision, self._down_edges(include_dependencies)) - {revision}

    def descendants(self, revision: str, include_dependencies: bool = False) -> FrozenSet[str]:
        """Revisions above `revision` (not itself) along `down_revision` (and `depends_on`)."""
        return self._reachable(revision, self._up_edges(include_dependencies)) - {revision}

    # --- Whole-history views ------------------------------------------------------------------

    def cycles(self) -> List[Tuple[str, ...]]:
        """One cycle per strongly connected group of revisions, over `down_revision` and
        `depends_on` edges together.

        Each cycle starts at its smallest id and lists revisions so that each one's
        `down_revision` (or `depends_on`) is the next, the last one's is the first. A revision
        naming itself is a cycle of one.
        """
        if self._cycles is None:
            edges = self._down_edges(include_dependencies=True)
            cycles: List[Tuple[str, ...]] = []
            for component in self._strongly_connected_components(edges):
                start = min(component)
                if len(component) > 1 or start in edges(start):
                    cycles.append(self._shortest_cycle(start, component, edges))
            self._cycles = sorted(cycles)
        return list(self._cycles)

    def topological_order(self) -> Tuple[str, ...]:
        """Every revision after its `down_revision`s and `depends_on`s, bases first.

        Ties go to the smallest id, so the order is the same on every run. Raises
        RevisionCycleError when the history has a cycle.
        """
        order, cyclic = self._kahn(set(self._migrations))
        if cyclic:
            raise RevisionCycleError(self.cycles()[0])
        return tuple(order)

    def head_chains(self) -> Tuple[HeadChain, ...]:
        """For each head, the revisions no other head has: its chain back to the fork point."""
        heads = self.heads
        return tuple(self.own_chain(head, [h for h in heads if h != head]) for head in heads)

    def own_chain(self, head: str, others: Iterable[str]) -> HeadChain:
        """The ancestors-or-self of `head` that none of `others` has (nor any of their ancestors).

        With `others` = [the base branch's head], this is what rebasing `head` onto it moves.
        """
        shared: Set[str] = set()
        for other in others:
            shared |= self.ancestors(other) | {self._known(other)}
        own = (self.ancestors(head) | {self._known(head)}) - shared
        order, cyclic = self._kahn(own)
        revisions = tuple(order) + tuple(sorted(cyclic))
        fork_points = sorted({p for r in own for p in self._parents[r] if p not in own})
        return HeadChain(head, revisions, tuple(fork_points))

    # --- Internals -----------------------------------------------------------------------------

    def _known(self, revision: str) -> str:
        if revision not in self._migrations:
            raise UnknownRevisionError(revision)
        return revision

    def _down_edges(self, include_dependencies: bool) -> Callable[[str], Sequence[str]]:
        if not include_dependencies:
            return self._parents.__getitem__
        return lambda r: self._parents[r] + self._dependencies[r]

    def _up_edges(self, include_dependencies: bool) -> Callable[[str], Sequence[str]]:
        if not include_dependencies:
            return self._children.__getitem__
        return lambda r: self._children[r] + self._dependents[r]

    def _reachable(self, revision: str, edges: Callable[[str], Sequence[str]]) -> FrozenSet[str]:
        seen = {self._known(revision)}
        todo = [revision]
        while todo:
            for following in edges(todo.pop()):
                if following not in seen:
                    seen.add(following)
                    todo.append(following)
        return frozenset(seen)

    def _kahn(self, nodes: Set[str]) -> Tuple[List[str], Set[str]]:
        """Topological order of `nodes` (edges within them only), and the nodes left in cycles."""
        pending = {
            r: sum(1 for p in set(self._parents[r] + self._dependencies[r]) if p in nodes)
            for r in nodes
        }
        ready = [r for r, count in pending.items() if count == 0]
        heapq.heapify(ready)
        order: List[str] = []
        while ready:
            revision = heapq.heappop(ready)
            order.append(revision)
            for follower in set(self._children[revision] + self._dependents[revision]):
                if follower in pending:
                    pending[follower] -= 1
                    if pending[follower] == 0:
                        heapq.heappush(ready, follower)
        return order, set(nodes) - set(order)

    def _strongly_connected_components(
        self, edges: Callable[[str], Sequence[str]]
    ) -> List[FrozenSet[str]]:
        """Tarjan's algorithm, iterative: histories are long chains, deeper than the stack."""
        index: Dict[str, int] = {}
        lowlink: Dict[str, int] = {}
        on_stack: Set[str] = set()
        stack: List[str] = []
        components: List[FrozenSet[str]] = []
        for root in self.revisions:
            if root in index:
                continue
            work = [(root, iter(edges(root)))]
            index[root] = lowlink[root] = len(index)
            stack.append(root)
            on_stack.add(root)
            while work:
                node, successors = work[-1]
                for successor in successors:
                    if successor not in index:
                        index[successor] = lowlink[successor] = len(index)
                        stack.append(successor)
                        on_stack.add(successor)
                        work.append((successor, iter(edges(successor))))
                        break
                    if successor in on_stack:
                        lowlink[node] = min(lowlink[node], index[successor])
                else:
                    work.pop()
                    if work:
                        parent = work[-1][0]
                        lowlink[parent] = min(lowlink[parent], lowlink[node])
                    if lowlink[node] == index[node]:
                        component: Set[str] = set()
                        while True:
                            member = stack.pop()
                            on_stack.discard(member)
                            component.add(member)
                            if member == node:
                                break
                        components.append(frozenset(component))
        return components

    @staticmethod
    def _shortest_cycle(
        start: str, component: FrozenSet[str], edges: Callable[[str], Sequence[str]]
    ) -> Tuple[str, ...]:
        previous: Dict[str, str] = {}
        queue: Deque[str] = deque([start])
        while queue:
            node = queue.popleft()
            for successor in sorted(edges(node)):
                if successor == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return tuple(reversed(path))
                if successor in component and successor not in previous:
                    previous[successor] = node
                    queue.append(successor)
        raise AssertionError(f"{start} is in a strongly connected component but on no cycle")
