"""Pictures of the part of a history that matters when it has several heads: from the fork
point(s) up to each head, with file names.

`draw_text` draws it the way `git log --graph` does (newest first, one column per line of
development), for terminals and CI logs; `draw_mermaid` gives the same part as a Mermaid
`flowchart`, which GitHub renders in PR comments and job summaries. Both stay small on any
history: only revisions that some head lacks are drawn (plus the fork points), long straight runs
are cut to their ends, and the text drawing has a line limit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from .graph import RevisionGraph

# A straight run longer than this shows its first and last `_RUN_ENDS` revisions only.
_LONGEST_RUN = 5
_RUN_ENDS = 2
DEFAULT_MAX_LINES = 40


@dataclass(frozen=True)
class _Elided:
    """Revisions of a straight run left out of the picture."""

    count: int
    # The revision shown right below them.
    resumes_at: str


@dataclass(frozen=True)
class _Layout:
    # Shown revisions, newest first, each after all its shown descendants.
    order: Tuple[str, ...]
    part: FrozenSet[str]
    forks: FrozenSet[str]
    # A shown revision -> the run cut out right below it.
    elided_below: Dict[str, _Elided]
    # Revisions older than the fork points, not drawn.
    older: int


# check-alembic draws the same graph as text and as Mermaid: lay it out once.
@functools.lru_cache(maxsize=4)
def _layout(graph: RevisionGraph) -> Optional[_Layout]:
    heads = graph.heads
    if len(heads) < 2 or graph.cycles():
        return None
    lineages = [graph.ancestors(head) | {head} for head in heads]
    common = frozenset.intersection(*lineages)
    forks = frozenset(r for r in common if not any(c in common for c in graph.children(r)))
    part = frozenset().union(*lineages) - (common - forks)

    children_in_part = {r: sum(1 for c in graph.children(r) if c in part) for r in part}
    # Depth first (a stack): a line of development is drawn whole before the next one starts.
    stack = sorted((r for r in part if children_in_part[r] == 0), reverse=True)
    waiting = dict(children_in_part)
    order: List[str] = []
    while stack:
        revision = stack.pop()
        order.append(revision)
        for parent in reversed(_parents_in(graph, revision, part)):
            waiting[parent] -= 1
            if waiting[parent] == 0:
                stack.append(parent)

    hidden: Set[str] = set()
    elided_below: Dict[str, _Elided] = {}
    for run in _straight_runs(graph, order, part, children_in_part):
        if len(run) > _LONGEST_RUN:
            cut = run[_RUN_ENDS:-_RUN_ENDS]
            hidden.update(cut)
            elided_below[run[_RUN_ENDS - 1]] = _Elided(len(cut), run[-_RUN_ENDS])
    return _Layout(
        order=tuple(r for r in order if r not in hidden),
        part=part,
        forks=forks,
        elided_below=elided_below,
        older=len(graph) - len(part),
    )


def _parents_in(graph: RevisionGraph, revision: str, part: FrozenSet[str]) -> Tuple[str, ...]:
    return tuple(p for p in graph.parents(revision) if p in part)


def _straight_runs(
    graph: RevisionGraph,
    order: Sequence[str],
    part: FrozenSet[str],
    children_in_part: Dict[str, int],
) -> List[List[str]]:
    """Maximal runs of consecutive revisions in `order` where each is the only parent of the one
    before and that one is its only child: nothing branches or merges inside, so cutting the
    middle out loses no edge."""
    runs: List[List[str]] = []
    for revision in order:
        if (
            runs
            and _parents_in(graph, runs[-1][-1], part) == (revision,)
            and children_in_part[revision] == 1
        ):
            runs[-1].append(revision)
        else:
            runs.append([revision])
    return runs


def _label(graph: RevisionGraph, revision: str, layout: _Layout) -> str:
    tags: List[str] = []
    if revision in graph.heads:
        tags.append("head")
    elif revision in layout.forks:
        tags.append("fork point")
    if not graph.parents(revision):
        tags.append("base")
    elif revision not in layout.forks:
        # A line that joins the shared history somewhere not drawn says where.
        outside = [p for p in graph.parents(revision) if p not in layout.part]
        if outside:
            tags.append("revises " + ", ".join(outside))
    label = f"{revision} {graph.migration(revision).file_name}"
    return f"{label} ({', '.join(tags)})" if tags else label


def draw_text(graph: RevisionGraph, max_lines: int = DEFAULT_MAX_LINES) -> Tuple[str, ...]:
    """A `git log --graph`-style drawing of the fork point(s) up to every head, newest first;
    () when the history has fewer than two heads (or a cycle, which has no such picture)."""
    layout = _layout(graph)
    if layout is None:
        return ()
    lines: List[str] = []
    # The revision each column of the drawing leads down to.
    columns: List[str] = []

    def row(marks: Dict[int, str], text: str = "") -> None:
        width = max((*marks, 2 * len(columns) - 2), default=0) + 1
        cells = [" "] * width
        for position in range(len(columns)):
            cells[2 * position] = "|"
        for position, mark in marks.items():
            cells[position] = mark
        lines.append(("".join(cells) + (" " + text if text else "")).rstrip())

    for revision in layout.order:
        if revision not in columns:
            columns.append(revision)
        column = columns.index(revision)
        notes: List[str] = []
        # Several lines lead here (a fork point): join them from the right.
        for extra in reversed([i for i, r in enumerate(columns) if r == revision and i > column]):
            if columns[extra - 1] == revision:
                marks = {2 * k - 1: "/" for k in range(extra, len(columns))}
                marks.update({2 * k: " " for k in range(extra, len(columns))})
                row(marks)
            else:  # A line can't cross another: say where it goes instead.
                notes.append("also parent of the line ending above")
            del columns[extra]
        row({2 * column: "*"}, " ".join([_label(graph, revision, layout), *notes]))

        elided = layout.elided_below.get(revision)
        if elided is not None:
            row({2 * column: ":"}, f"... {elided.count} more revisions")
            parents: Tuple[str, ...] = (elided.resumes_at,)
        else:
            parents = _parents_in(graph, revision, layout.part)
        if not parents:
            del columns[column]
            if column < len(columns):  # The lines to the right move left.
                marks = {2 * k + 1: "/" for k in range(column, len(columns))}
                marks.update({2 * k: " " for k in range(column, len(columns))})
                row(marks)
            continue
        columns[column] = parents[0]
        for offset, parent in enumerate(parents[1:], start=1):
            columns.insert(column + offset, parent)
            marks = {2 * column + 1: "\\"}
            marks.update({2 * k - 1: "\\" for k in range(column + offset + 1, len(columns))})
            marks.update({2 * k: " " for k in range(column + offset, len(columns))})
            row(marks)
    if layout.older:
        lines.append(f"... {layout.older} older revision{'s' if layout.older != 1 else ''}")
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], f"... {len(lines) - max_lines + 1} more lines"]
    return tuple(lines)


def draw_mermaid(graph: RevisionGraph) -> Optional[str]:
    """The same part as a Mermaid `flowchart` (newest on top, arrows to the parent); None when
    the history has fewer than two heads."""
    layout = _layout(graph)
    if layout is None:
        return None
    ids = {revision: f"r{position}" for position, revision in enumerate(layout.order)}
    lines = ["flowchart TD"]
    for revision in layout.order:
        lines.append(f'  {ids[revision]}["{_mermaid_text(_label(graph, revision, layout))}"]')
    for revision in layout.order:
        elided = layout.elided_below.get(revision)
        if elided is not None:
            gap = f"{ids[revision]}_more"
            lines.append(f'  {gap}["... {elided.count} more revisions"]')
            lines.append(f"  {ids[revision]} --> {gap} --> {ids[elided.resumes_at]}")
            continue
        for parent in _parents_in(graph, revision, layout.part):
            lines.append(f"  {ids[revision]} --> {ids[parent]}")
    if layout.older:
        lines.append(f'  older["... {layout.older} older revisions"]')
        lines.extend(f"  {ids[fork]} --> older" for fork in sorted(layout.forks))
    heads = [ids[head] for head in graph.heads]
    lines.append("  classDef head stroke-width:3px")
    lines.append(f"  class {','.join(heads)} head")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid's entity codes: a quote would end the label.
    return text.replace("#", "#35;").replace('"', "#quot;")
