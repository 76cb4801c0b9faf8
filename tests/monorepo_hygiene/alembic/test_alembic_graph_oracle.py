"""Oracle: our static heads, bases and cycle detection against alembic loading the same files.

Random revision DAGs (merges, several bases and heads, `depends_on` by id and by branch label,
cycles, references to missing revisions) are written as real migration files with varied syntax;
alembic's `ScriptDirectory` imports them and builds its `RevisionMap`.

Where alembic builds a map, heads, bases and real heads/bases must be equal. For cycles alembic is
an incomplete oracle: it misses a cycle that lies between a base and a head (see
`test_cycle_alembic_misses`). So: whenever alembic reports a cycle we must report one, and what we
report must match `graphlib`, which sorts exactly the same edges.
"""

from __future__ import annotations

import graphlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import alembic.command
import alembic.config
import pytest
from alembic.script import ScriptDirectory
from alembic.script.revision import CycleDetected, LoopDetected
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.check import check_history
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import Migration, read_history
from tests.monorepo_hygiene.alembic.alembic_fixtures import (
    STYLES,
    Rev,
    chain,
    write_alembic_project,
    write_history,
)


@st.composite
def _histories(draw: st.DrawFn) -> List[Rev]:
    ids = draw(
        st.lists(
            st.text(alphabet="0123456789abcdef", min_size=3, max_size=12),
            min_size=1,
            max_size=9,
            unique=True,
        )
    )
    # Mostly DAGs (edges only to earlier revisions); sometimes any edge, which makes cycles.
    any_edges = draw(st.sampled_from([False, False, True]))
    missing_at = draw(st.sampled_from([None] * (6 * len(ids)) + list(ids)))
    labels = {revision: f"lbl_{revision}" for revision in ids if draw(st.integers(0, 4)) == 0}
    revisions = []
    for position, revision in enumerate(ids):
        targets = ids if any_edges else ids[:position]
        # Mostly one parent, as `alembic revision` writes; sometimes a base or a merge.
        down_count = min(len(targets), draw(st.sampled_from([1, 1, 1, 1, 0, 2])))
        down = (
            draw(
                st.lists(
                    st.sampled_from(targets), min_size=down_count, max_size=down_count, unique=True
                )
            )
            if targets
            else []
        )
        dependency_targets = list(targets) + [labels[t] for t in targets if t in labels]
        depends_on = (
            draw(st.lists(st.sampled_from(dependency_targets), max_size=2, unique=True))
            if dependency_targets and draw(st.sampled_from([False, False, True]))
            else []
        )
        if revision == missing_at:
            (down if draw(st.booleans()) else depends_on).append("missing0")
        revisions.append(
            Rev(
                revision,
                tuple(down),
                depends_on=tuple(depends_on),
                branch_labels=(labels[revision],) if revision in labels else (),
                style=draw(STYLES),
            )
        )
    return revisions


class _AlembicView:
    """What alembic makes of a versions directory: its map, or the error building it raised."""

    def __init__(self, script_dir: Path) -> None:
        self.heads: Optional[Set[str]] = None
        self.bases: Optional[Set[str]] = None
        self.real_heads: Optional[Set[str]] = None
        self.real_bases: Optional[Set[str]] = None
        self.error: Optional[Exception] = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Revision ... is not present" before the KeyError.
            revision_map = ScriptDirectory(str(script_dir)).revision_map
            try:
                self.heads = set(revision_map.heads)
                self.bases = set(revision_map.bases)
                self.real_heads = set(revision_map._real_heads)
                self.real_bases = set(revision_map._real_bases)
            except (CycleDetected, KeyError) as e:
                self.error = e


def _has_cycle(migrations: Tuple[Migration, ...], graph: RevisionGraph) -> bool:
    """graphlib's verdict over the same edges: `down_revision`s and resolved `depends_on`s."""
    sorter: "graphlib.TopologicalSorter[str]" = graphlib.TopologicalSorter()
    for migration in migrations:
        sorter.add(
            migration.revision,
            *graph.parents(migration.revision),
            *graph.dependencies(migration.revision),
        )
    try:
        sorter.prepare()
    except graphlib.CycleError:
        return True
    return False


# Alembic imports the migrations these tests write.
pytestmark = pytest.mark.usefixtures("no_bytecode")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_histories())
def test_heads_bases_and_cycles_agree_with_alembic(revisions: List[Rev]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_history(Path(tmp) / "versions", revisions)
        history = read_history(_files(Path(tmp)))
        assert history.errors == ()
        assert len(history.migrations) == len(revisions)
        graph = RevisionGraph.from_migrations(history.migrations)
        alembic_view = _AlembicView(Path(tmp))

    missing = graph.missing_down_revisions() or graph.unresolved_dependencies()
    cycles = graph.cycles()
    assert bool(cycles) == _has_cycle(history.migrations, graph)
    if missing:
        event("missing revision")
        # Alembic fails with a KeyError, unless it first refuses a revision naming itself.
        assert isinstance(alembic_view.error, KeyError) or (
            isinstance(alembic_view.error, LoopDetected) and cycles
        )
        return
    if isinstance(alembic_view.error, CycleDetected):
        event("alembic: cycle")
        assert cycles
        return
    if cycles:
        event("cycle alembic misses")
    event(f"{min(len(graph.heads), 3)} heads, {min(len(graph.bases), 3)} bases")
    if any(migration.is_merge for migration in history.migrations):
        event("merge")
    if any(migration.depends_on for migration in history.migrations):
        event("depends_on")
    assert set(graph.heads) == alembic_view.heads
    assert set(graph.bases) == alembic_view.bases
    assert set(graph.real_heads) == alembic_view.real_heads
    assert set(graph.real_bases) == alembic_view.real_bases


def test_cycle_alembic_misses(tmp_path: Path) -> None:
    """`b` revises `a` and `c`, `c` revises `b`: a cycle alembic's map accepts (it lies between
    base `a` and head `d`); we report it."""
    revisions = [Rev("a"), Rev("b", ("a", "c")), Rev("c", ("b",)), Rev("d", ("c",))]
    write_history(tmp_path / "versions", revisions)
    alembic_view = _AlembicView(tmp_path)
    assert alembic_view.error is None
    assert alembic_view.heads == {"d"}

    graph = RevisionGraph.from_migrations(read_history(_files(tmp_path)).migrations)
    assert graph.cycles() == [("b", "c")]
    assert graph.heads == ("d",)


def _files(script_dir: Path) -> Dict[str, bytes]:
    return {
        path.relative_to(script_dir).as_posix(): path.read_bytes()
        for path in (script_dir / "versions").glob("*.py")
    }


def test_alembic_heads_command_agrees_on_a_project(tmp_path: Path) -> None:
    revisions = [*chain("a1", "b1"), *chain("c1", "c2", down=("a1",))]
    ini = write_alembic_project(tmp_path, revisions)
    output = io.StringIO()
    alembic.command.heads(alembic.config.Config(str(ini), stdout=output))
    report = check_history("migrations/versions", _files(tmp_path / "migrations"))
    assert sorted(line.split()[0] for line in output.getvalue().splitlines()) == ["b1", "c2"]
    assert report.heads == ("b1", "c2")
