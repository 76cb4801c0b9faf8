"""How the Alembic checks name revisions in their messages, the same way everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # The graph's errors are worded here: no import at runtime.
    from .graph import RevisionGraph


def quoted(revisions: Iterable[str]) -> str:
    """`a`, `b`; `None` for none (a base's `down_revision`)."""
    return ", ".join(f"`{revision}`" for revision in revisions) or "`None`"


def with_file(revision: str, graph: RevisionGraph) -> str:
    """`a` (a_add_users.py)."""
    return f"`{revision}` ({graph.migration(revision).file_name})"


def chain_text(revisions: Sequence[str], graph: RevisionGraph, keep: int = 2) -> str:
    """`a` (a.py) -> `b` (b.py), bottom first; a long chain shows its ends."""
    shown = [with_file(revision, graph) for revision in revisions]
    if len(shown) > 2 * keep + 1:
        shown = [*shown[:keep], f"... {len(shown) - 2 * keep} more", *shown[-keep:]]
    return " -> ".join(shown)
