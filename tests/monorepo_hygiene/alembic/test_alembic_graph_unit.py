from __future__ import annotations

from typing import Sequence

import pytest

from monorepo_hygiene.alembic.errors import RevisionCycleError, UnknownRevisionError
from monorepo_hygiene.alembic.graph import HeadChain, RevisionGraph
from monorepo_hygiene.alembic.reader import Migration
from tests.monorepo_hygiene.alembic.alembic_fixtures import Rev, chain


def _migration(rev: Rev, path: str = "") -> Migration:
    return Migration(
        path=path or f"v/{rev.revision}.py",
        revision=rev.revision,
        revision_line=1,
        down_revisions=rev.down,
        down_revision_line=2,
        branch_labels=rev.branch_labels,
        depends_on=rev.depends_on,
        depends_on_line=3 if rev.depends_on else None,
    )


def _graph(revisions: Sequence[Rev]) -> RevisionGraph:
    return RevisionGraph.from_migrations(_migration(rev) for rev in revisions)


# a1 - b1 - b2 - m1
#    \ c1 ----- /     \ d1 (depends_on b1)
FORKED = [
    *chain("a1", "b1", "b2"),
    Rev("c1", ("a1",)),
    Rev("m1", ("b2", "c1")),
    Rev("d1", ("m1",), depends_on=("b1",)),
]


def test_edges() -> None:
    graph = _graph(FORKED)
    assert graph.parents("m1") == ("b2", "c1")
    assert graph.children("a1") == ("b1", "c1")
    assert graph.dependencies("d1") == ("b1",)
    assert graph.dependents("b1") == ("d1",)
    assert graph.children("d1") == ()


def test_ancestors_and_descendants() -> None:
    graph = _graph(FORKED)
    assert graph.ancestors("m1") == {"a1", "b1", "b2", "c1"}
    assert graph.descendants("b1") == {"b2", "m1", "d1"}
    assert graph.descendants("a1") == {"b1", "b2", "c1", "m1", "d1"}


def test_dependencies_count_only_when_asked() -> None:
    graph = _graph([Rev("a1"), Rev("n1", depends_on=("a1",))])
    assert graph.ancestors("n1") == frozenset()
    assert graph.ancestors("n1", include_dependencies=True) == {"a1"}
    assert graph.descendants("a1", include_dependencies=True) == {"n1"}


def test_heads_and_bases_ignore_depends_on_but_real_ones_do_not() -> None:
    graph = _graph([Rev("a1"), Rev("n1", depends_on=("a1",))])
    assert (graph.heads, graph.bases) == (("a1", "n1"), ("a1", "n1"))
    assert (graph.real_heads, graph.real_bases) == (("n1",), ("a1",))


def test_depends_on_resolves_branch_labels() -> None:
    graph = _graph([Rev("a1", branch_labels=("shop",)), Rev("b1", ("a1",), depends_on=("shop",))])
    assert graph.resolve("shop") == "a1"
    assert graph.resolve("a1") == "a1"
    assert graph.resolve("nope") is None
    assert graph.dependencies("b1") == ("a1",)
    assert graph.unresolved_dependencies() == ()


def test_missing_references_are_kept_aside() -> None:
    graph = _graph([Rev("a1"), Rev("b1", ("a1", "gone")), Rev("c1", ("b1",), depends_on=("x",))])
    assert graph.parents("b1") == ("a1",)
    assert graph.missing_down_revisions() == (("b1", "gone"),)
    assert graph.unresolved_dependencies() == (("c1", "x"),)


def test_topological_order_is_bases_first_and_smallest_id_on_ties() -> None:
    assert _graph(FORKED).topological_order() == ("a1", "b1", "b2", "c1", "m1", "d1")


def test_topological_order_respects_depends_on() -> None:
    graph = _graph([Rev("a1", depends_on=("z1",)), Rev("z1")])
    assert graph.topological_order() == ("z1", "a1")


def test_topological_order_refuses_a_cycle() -> None:
    graph = _graph([Rev("a1"), Rev("b1", ("a1", "c1")), Rev("c1", ("b1",))])
    with pytest.raises(RevisionCycleError) as info:
        graph.topological_order()
    assert info.value.revisions == ("b1", "c1")
    assert str(info.value) == "Cycle is detected in revisions (b1, c1)"


def test_cycles() -> None:
    graph = _graph(
        [
            Rev("a1", ("c1",)),
            Rev("b1", ("a1",)),
            Rev("c1", ("b1",)),
            Rev("s1", ("s1",)),
            Rev("x1", depends_on=("y1",)),
            Rev("y1", ("x1",)),
            Rev("ok", ()),
        ]
    )
    assert graph.cycles() == [("a1", "c1", "b1"), ("s1",), ("x1", "y1")]


def test_cycles_pick_the_shortest_path_in_a_tangle() -> None:
    # a1 -> b1 -> c1 -> a1 and a1 -> c1 -> a1: one component, the shortest cycle reported.
    graph = _graph([Rev("a1", ("b1", "c1")), Rev("b1", ("c1",)), Rev("c1", ("a1",))])
    assert graph.cycles() == [("a1", "c1")]


def test_long_chain_needs_no_recursion() -> None:
    ids = [f"r{n:05d}" for n in range(5000)]
    graph = _graph(chain(*ids))
    assert graph.cycles() == []
    assert graph.heads == ("r04999",)
    assert len(graph.ancestors("r04999")) == 4999


def test_head_chains_back_to_the_fork_point() -> None:
    graph = _graph([*chain("a1", "b1", "b2"), *chain("c1", "c2", down=("a1",)), Rev("z9")])
    assert graph.head_chains() == (
        HeadChain("b2", ("b1", "b2"), ("a1",)),
        HeadChain("c2", ("c1", "c2"), ("a1",)),
        HeadChain("z9", ("z9",), ()),
    )


def test_own_chain_against_one_other_head() -> None:
    # What a rebase of `c2` onto `b2` moves: `c1` and `c2`, which fork from `a1`.
    graph = _graph([*chain("a1", "b1", "b2"), *chain("c1", "c2", down=("a1",))])
    assert graph.own_chain("c2", ["b2"]) == HeadChain("c2", ("c1", "c2"), ("a1",))
    assert graph.own_chain("c2", []) == HeadChain("c2", ("a1", "c1", "c2"), ())


def test_own_chain_with_a_merge_inside() -> None:
    graph = _graph(
        [
            Rev("a1"),
            Rev("b1", ("a1",)),
            Rev("c1", ("a1",)),
            Rev("c2", ("a1",)),
            Rev("cm", ("c1", "c2")),
        ]
    )
    assert graph.own_chain("cm", ["b1"]) == HeadChain("cm", ("c1", "c2", "cm"), ("a1",))


def test_duplicate_ids_last_one_wins_as_in_alembic() -> None:
    first = _migration(Rev("a1"), path="v/a1_first.py")
    second = _migration(Rev("a1"), path="v/a1_second.py")
    graph = RevisionGraph.from_migrations([first, second])
    assert len(graph) == 1
    assert graph.migration("a1").path == "v/a1_second.py"


def test_unknown_revision() -> None:
    graph = _graph([Rev("a1")])
    assert "a1" in graph and "zz" not in graph
    with pytest.raises(UnknownRevisionError) as info:
        graph.parents("zz")
    assert (info.value.revision, str(info.value)) == ("zz", "No such revision `zz`")
