"""Pure planning of `rebase-alembic`: which heads move where, which `down_revision`s change."""

from __future__ import annotations

import dataclasses
from typing import Dict, FrozenSet, List, Sequence, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.errors import (
    BaseHeadsError,
    ProtectedRevisionError,
    UnknownRevisionError,
)
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history
from monorepo_hygiene.alembic.rebase_plan import choose_targets, plan_rebase
from tests.monorepo_hygiene.alembic.alembic_fixtures import Rev, chain, history_files


def _graph(revisions: Sequence[Rev]) -> RevisionGraph:
    history = read_history(history_files(revisions))
    assert not history.errors
    return RevisionGraph.from_migrations(history.migrations)


def _changes(graph: RevisionGraph, tops: Sequence[str], onto: str) -> Dict[str, Tuple[str, ...]]:
    plan = plan_rebase(graph, tops, onto, frozenset())
    return {change.revision: change.new for change in plan.changes}


BASE = chain("a", "b")
THEIRS = chain("t1", "t2", down=("b",))
OURS = chain("o1", "o2", down=("b",))


def test_auto_targets_are_the_base_head_and_every_other_head() -> None:
    graph = _graph([*BASE, *THEIRS, *OURS])
    assert choose_targets(graph, {"a", "b", "t1", "t2"}, {}) == ("t2", ("o2",))


def test_the_bottom_of_our_chain_moves_onto_their_head() -> None:
    graph = _graph([*BASE, *THEIRS, *OURS])
    plan = plan_rebase(graph, ["o2"], "t2", frozenset({"a", "b", "t1", "t2"}))
    assert [(c.revision, c.old, c.new) for c in plan.changes] == [("o1", ("b",), ("t2",))]
    assert plan.heads_after == ("o2",)
    (move,) = plan.moves
    assert (move.head, move.onto, move.revisions, move.unseen) == (
        "o2",
        "t2",
        ("o1", "o2"),
        ("t1", "t2"),
    )


def test_a_chain_from_an_older_revision_moves_whole() -> None:
    graph = _graph([*BASE, *THEIRS, *chain("o1", "o2", down=("a",))])
    assert _changes(graph, ["o2"], "t2") == {"o1": ("t2",)}
    (move,) = plan_rebase(graph, ["o2"], "t2", frozenset()).moves
    assert move.unseen == ("b", "t1", "t2")


def test_our_own_base_gets_their_head() -> None:
    graph = _graph([*BASE, *THEIRS, *chain("o1", "o2")])
    assert _changes(graph, ["o2"], "t2") == {"o1": ("t2",)}


def test_merge_migration_inside_our_chain_is_kept() -> None:
    ours = [
        Rev("o1", ("b",)),
        Rev("o2a", ("o1",)),
        Rev("o2b", ("o1",)),
        Rev("om", ("o2a", "o2b")),
    ]
    graph = _graph([*BASE, *THEIRS, *ours])
    assert _changes(graph, ["om"], "t2") == {"o1": ("t2",)}


def test_merge_of_ours_with_an_older_base_revision_drops_the_redundant_parent() -> None:
    # Someone on the branch once merged main's `t1`; main has since gained `t2`.
    ours = [Rev("o1", ("b",)), Rev("om", ("o1", "t1"))]
    graph = _graph([*BASE, *THEIRS, *ours])
    assert _changes(graph, ["om"], "t2") == {"o1": ("t2",), "om": ("o1",)}


def test_several_of_our_heads_are_stacked_oldest_first() -> None:
    graph = _graph([*BASE, *THEIRS, *chain("o1", "o2", down=("b",)), *chain("p1", down=("b",))])
    added = {"p1": 3, "o1": 5, "o2": 6}
    onto, tops = choose_targets(graph, {"a", "b", "t1", "t2"}, added)
    assert (onto, tops) == ("t2", ("p1", "o2"))
    plan = plan_rebase(graph, tops, onto, frozenset())
    assert {c.revision: c.new for c in plan.changes} == {"p1": ("t2",), "o1": ("p1",)}
    assert plan.heads_after == ("o2",)
    assert [m.unseen for m in plan.moves] == [("t1", "t2"), ("p1", "t1", "t2")]


def test_a_chain_already_on_top_changes_nothing() -> None:
    graph = _graph([*BASE, *THEIRS, *chain("o1", "o2", down=("t2",))])
    plan = plan_rebase(graph, ["o2"], "t2", frozenset())
    assert plan.changes == ()
    assert plan.heads_after == ("o2",)


def test_protected_revision_is_never_moved() -> None:
    graph = _graph([*BASE, *THEIRS, *OURS])
    with pytest.raises(ProtectedRevisionError) as error:
        plan_rebase(graph, ["t2"], "o2", frozenset({"a", "b", "t1", "t2"}), "`origin/main`")
    migration = graph.migration("t1")
    assert str(error.value) == (
        f"`t1` ({migration.path}:{migration.revision_line}) is on `origin/main` and may already "
        "be applied to databases; it is never rewritten (`--strategy=merge` joins the heads instead)"
    )


def test_base_branch_with_two_heads_needs_a_merge() -> None:
    graph = _graph([*BASE, *THEIRS, *chain("u1", down=("b",)), *OURS])
    with pytest.raises(BaseHeadsError, match="`t2`, `u1`.*--strategy=merge"):
        choose_targets(graph, {"a", "b", "t1", "t2", "u1"}, {})


def test_unknown_revision() -> None:
    graph = _graph([*BASE, *THEIRS, *OURS])
    with pytest.raises(UnknownRevisionError, match="`nope`"):
        plan_rebase(graph, ["nope"], "t2", frozenset())


# --- Property: any branched history becomes linear, and only our chain's bottoms change ---------


@st.composite
def _branched(draw: st.DrawFn) -> Tuple[List[Rev], FrozenSet[str]]:
    """A base chain, their chain on its head, and 1-3 chains of ours (maybe with a merge
    migration), each forking from any base revision; returns revisions and theirs."""
    base = list(chain(*(f"b{i}" for i in range(draw(st.integers(1, 4))))))
    theirs = list(
        chain(*(f"t{i}" for i in range(draw(st.integers(0, 3)))), down=(base[-1].revision,))
    )
    ours: List[Rev] = []
    for c in range(draw(st.integers(1, 3))):
        fork = draw(st.sampled_from([r.revision for r in base]))
        root_down: Tuple[str, ...] = () if draw(st.integers(0, 9)) == 0 else (fork,)
        ours.extend(chain(*(f"o{c}_{i}" for i in range(draw(st.integers(1, 3)))), down=root_down))
    if len(ours) > 1 and draw(st.booleans()):
        parents = st.sampled_from([r.revision for r in ours])
        ours.append(Rev("om", tuple(draw(st.lists(parents, min_size=2, max_size=2, unique=True)))))
    revisions = base + theirs + ours
    return revisions, frozenset(r.revision for r in base + theirs)


@settings(max_examples=300, deadline=None)
@given(_branched())
def test_any_branched_history_becomes_linear(history: Tuple[List[Rev], FrozenSet[str]]) -> None:
    revisions, theirs = history
    graph = _graph(revisions)
    added = {r.revision: position for position, r in enumerate(revisions)}
    onto, tops = choose_targets(graph, theirs, added)
    plan = plan_rebase(graph, tops, onto, theirs)

    assert len(plan.heads_after) == 1
    moved = {revision for move in plan.moves for revision in move.revisions}
    assert {change.revision for change in plan.changes} <= moved
    assert not moved & theirs

    new_down = {change.revision: change.new for change in plan.changes}
    rebased = _graph(
        [dataclasses.replace(r, down=new_down.get(r.revision, r.down)) for r in revisions]
    )
    assert rebased.revisions == graph.revisions
    assert rebased.heads == plan.heads_after
    assert not rebased.cycles()
    # Every revision keeps its ancestors (a rebase only adds their side below ours).
    for revision in graph.revisions:
        assert graph.ancestors(revision) <= rebased.ancestors(revision)
    # Planning again on the result changes nothing.
    again_onto, again_tops = choose_targets(rebased, theirs, added)
    assert plan_rebase(rebased, again_tops, again_onto, theirs).changes == ()
