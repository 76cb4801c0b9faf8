"""How the Alembic checks name revisions in their messages, the same way everywhere.

Plain strings in, a string out: the errors word their messages with these too, and import
nothing of the graph.
"""

from __future__ import annotations

from typing import Iterable, Sequence, Tuple


def quoted(revisions: Iterable[str]) -> str:
    """`a`, `b`; `None` for none (a base's `down_revision`)."""
    return ", ".join(f"`{revision}`" for revision in revisions) or "`None`"


def with_file(revision: str, file_name: str) -> str:
    """`a` (a_add_users.py)."""
    return f"`{revision}` ({file_name})"


def chain_text(revisions: Sequence[Tuple[str, str]], keep: int = 2) -> str:
    """`a` (a.py) -> `b` (b.py), bottom first, from (revision, file name) pairs; a long chain
    shows its ends."""
    shown = [with_file(revision, file_name) for revision, file_name in revisions]
    if len(shown) > 2 * keep + 1:
        shown = [*shown[:keep], f"... {len(shown) - 2 * keep} more", *shown[-keep:]]
    return " -> ".join(shown)


def shortened(code: str, limit: int = 60) -> str:
    """Code on one line, cut to `limit` characters, for a message."""
    one_line = " ".join(code.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 3] + "..."
