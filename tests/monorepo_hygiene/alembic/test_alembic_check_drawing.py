"""The picture check-alembic prints (and writes as Mermaid) for a history with several heads."""

from __future__ import annotations

import re
from typing import List, Sequence, Set, Tuple

from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.alembic.report import render_mermaid, render_text
from monorepo_hygiene.alembic.drawing import draw_mermaid, draw_text
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history
from tests.monorepo_hygiene.alembic.alembic_fixtures import VERSIONS_DIR, Rev, chain, history_files

V = VERSIONS_DIR


def _graph(revisions: Sequence[Rev]) -> RevisionGraph:
    return RevisionGraph.from_migrations(read_history(history_files(revisions)).migrations)


def _trunk(length: int) -> Tuple[Rev, ...]:
    return chain(*(f"a{i:03d}" for i in range(length)))


def test_two_heads_drawn_from_the_fork_point_with_file_names() -> None:
    graph = _graph([*_trunk(20), *chain("o1", "o2", down=("a019",)), Rev("t1", ("a019",))])
    assert draw_text(graph) == (
        "* o2 o2_change_o2.py (head)",
        "* o1 o1_change_o1.py",
        "| * t1 t1_change_t1.py (head)",
        "|/",
        "* a019 a019_change_a019.py (fork point)",
        "... 19 older revisions",
    )


def test_three_heads_and_a_merge_migration() -> None:
    graph = _graph(
        [
            *_trunk(3),
            Rev("o1", ("a002",)),
            Rev("t1", ("a002",)),
            Rev("m", ("o1", "t1")),
            Rev("x1", ("a002",)),
        ]
    )
    assert draw_text(graph) == (
        "* m m_change_m.py (head)",
        "|\\",
        "* | o1 o1_change_o1.py",
        "| * t1 t1_change_t1.py",
        "| | * x1 x1_change_x1.py (head)",
        "| |/",
        "|/",
        "* a002 a002_change_a002.py (fork point)",
        "... 2 older revisions",
    )


def test_histories_with_no_common_revision_say_where_each_starts() -> None:
    graph = _graph([*chain("a", "b"), *chain("c", "d")])
    assert draw_text(graph) == (
        "* b b_change_b.py (head)",
        "* a a_change_a.py (base)",
        "* d d_change_d.py (head)",
        "* c c_change_c.py (base)",
    )


def test_a_484_revision_history_draws_small() -> None:
    # Two heads forked 300 revisions ago: long straight runs are cut to their ends.
    trunk = _trunk(184)
    ours = chain(*(f"o{i:03d}" for i in range(300)), down=("a183",))
    graph = _graph([*trunk, *ours, Rev("t1", ("a183",))])
    assert len(graph) == 485
    lines = draw_text(graph)
    assert lines == (
        "* o299 o299_change_o299.py (head)",
        "* o298 o298_change_o298.py",
        ": ... 296 more revisions",
        "* o001 o001_change_o001.py",
        "* o000 o000_change_o000.py",
        "| * t1 t1_change_t1.py (head)",
        "|/",
        "* a183 a183_change_a183.py (fork point)",
        "... 183 older revisions",
    )


def test_many_heads_are_cut_at_the_line_limit() -> None:
    heads = [Rev(f"h{i:02d}", ("a002",)) for i in range(30)]
    lines = draw_text(_graph([*_trunk(3), *heads]), max_lines=12)
    assert len(lines) == 12
    assert lines[-1].startswith("... ") and lines[-1].endswith(" more lines")


def test_one_head_draws_nothing() -> None:
    assert draw_text(_graph(_trunk(5))) == ()
    assert draw_mermaid(_graph(_trunk(5))) is None


def test_mermaid_flowchart_of_the_same_part() -> None:
    graph = _graph([*_trunk(20), *chain("o1", "o2", down=("a019",)), Rev("t1", ("a019",))])
    assert draw_mermaid(graph) == (
        "flowchart TD\n"
        '  r0["o2 o2_change_o2.py (head)"]\n'
        '  r1["o1 o1_change_o1.py"]\n'
        '  r2["t1 t1_change_t1.py (head)"]\n'
        '  r3["a019 a019_change_a019.py (fork point)"]\n'
        "  r0 --> r1\n"
        "  r1 --> r3\n"
        "  r2 --> r3\n"
        '  older["... 19 older revisions"]\n'
        "  r3 --> older\n"
        "  classDef head stroke-width:3px\n"
        "  class r0,r2 head\n"
    )


def test_check_prints_the_drawing_and_renders_mermaid_markdown() -> None:
    files = history_files([*_trunk(2), Rev("o1", ("a001",)), Rev("t1", ("a001",))])
    report = check_history(V, files, CheckOptions(mermaid=True))
    text = render_text([report])
    assert text.splitlines()[-7:] == [
        f"{V}:",
        "  * o1 o1_change_o1.py (head)",
        "  | * t1 t1_change_t1.py (head)",
        "  |/",
        "  * a001 a001_change_a001.py (fork point)",
        "  ... 1 older revision",
        f"{V}: 4 revisions, 2 heads o1, t1; 1 error",
    ]
    markdown = render_mermaid([report])
    assert markdown.startswith(f"### `{V}`: heads `o1`, `t1`\n\n```mermaid\nflowchart TD\n")
    assert markdown.endswith("```\n")
    off = check_history(V, files, CheckOptions(draw_graph=False))
    assert (off.drawing, off.mermaid) == ((), None)
    assert render_mermaid([off]) == "No Alembic history has several heads.\n"


@st.composite
def _branched(draw: st.DrawFn) -> List[Rev]:
    """A random history: each revision revises one or two earlier ones (or none)."""
    revisions: List[Rev] = []
    for position in range(draw(st.integers(2, 25))):
        earlier = [rev.revision for rev in revisions]
        parents: Set[str] = set()
        if earlier and draw(st.integers(0, 9)) > 0:
            parents = set(draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=2)))
        revisions.append(Rev(f"r{position:02d}", tuple(sorted(parents))))
    return revisions


@settings(max_examples=100, deadline=None)
@given(_branched())
def test_mermaid_edges_are_paths_of_the_history(revisions: List[Rev]) -> None:
    graph = _graph(revisions)
    chart = draw_mermaid(graph)
    if len(graph.heads) < 2:
        assert chart is None and draw_text(graph) == ()
        return
    assert chart is not None
    names = dict(re.findall(r'^  (r\d+)\["(\S+) ', chart, re.MULTILINE))
    assert set(graph.heads) <= set(names.values())
    for source, target in re.findall(r"^  (r\d+) --> (r\d+)$", chart, re.MULTILINE):
        assert names[target] in graph.parents(names[source])
    for source, target in re.findall(r"^  (r\d+) --> r\d+_more --> (r\d+)$", chart, re.MULTILINE):
        assert names[target] in graph.ancestors(names[source])
    # The text drawing shows every revision the chart shows, one row each.
    rows = [line for line in draw_text(graph, max_lines=10_000) if "* " in line]
    assert len(rows) == len(names)
