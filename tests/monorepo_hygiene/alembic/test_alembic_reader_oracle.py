"""Oracle: what we read statically equals what alembic gets by importing the same file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Tuple

import pytest
from alembic import util
from alembic.config import Config
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history, read_migration
from monorepo_hygiene.alembic.rebase import read_versions
from tests.monorepo_hygiene.alembic.alembic_fixtures import (
    STYLES,
    Rev,
    Style,
    chain,
    file_name,
    migration_source,
    write_alembic_project,
    write_history,
)

_IDS = st.text(alphabet="0123456789abcdef_", min_size=1, max_size=12)
_ID_TUPLES = st.lists(_IDS, max_size=3, unique=True).map(tuple)


# Alembic imports the migrations these tests write.
pytestmark = pytest.mark.usefixtures("no_bytecode")


@settings(max_examples=150, deadline=None)
@given(
    revision=_IDS,
    down=_ID_TUPLES,
    depends_on=_ID_TUPLES,
    branch_labels=st.lists(
        st.text(alphabet="abcxyz_", min_size=1, max_size=8), max_size=2, unique=True
    ).map(tuple),
    style=STYLES,
)
def test_metadata_equals_alembic_import(
    revision: str,
    down: Tuple[str, ...],
    depends_on: Tuple[str, ...],
    branch_labels: Tuple[str, ...],
    style: Style,
) -> None:
    rev = Rev(revision, down, depends_on=depends_on, branch_labels=branch_labels, style=style)
    with tempfile.TemporaryDirectory() as tmp:
        write_history(Path(tmp), [rev])
        name = file_name(rev, 0)
        module = util.load_python_file(tmp, name)
        migration = read_migration(f"versions/{name}", (Path(tmp) / name).read_bytes())

    assert migration.revision == module.revision
    assert migration.down_revisions == util.to_tuple(module.down_revision, default=())
    assert migration.branch_labels == util.to_tuple(module.branch_labels, default=())
    assert migration.depends_on == util.to_tuple(module.depends_on, default=())
    if style.docstring:
        assert migration.docstring_revision_id == revision
        assert migration.docstring_revises == down


@pytest.mark.parametrize("whole_files", [True, False])
def test_non_utf8_byte_in_a_comment_gives_alembics_heads(tmp_path: Path, whole_files: bool) -> None:
    # CPython 3.9-3.13 import a file whose comment holds a byte that isn't UTF-8; so does alembic.
    ini = write_alembic_project(tmp_path, chain("a1", "b1", "c1"))
    versions = tmp_path / "migrations" / "versions"
    source = migration_source(Rev("c1", ("b1",))).encode()
    (versions / file_name(Rev("c1"), 0)).write_bytes(source + b"# r\xe9sum\xe9 (latin-1)\n")
    alembic_heads = ScriptDirectory.from_config(Config(str(ini))).get_heads()
    history = read_history(read_versions(str(tmp_path), ["migrations/versions"]), whole_files)
    assert history.errors == ()
    assert (
        RevisionGraph.from_migrations(history.migrations).heads == tuple(alembic_heads) == ("c1",)
    )


def test_a_global_rebinding_is_unreadable_not_a_wrong_graph(tmp_path: Path) -> None:
    # Alembic imports the file, runs `_link()` and sees `b1` revise `a1`: one head. Read as
    # written, `down_revision = None` made `b1` a second base and head.
    ini = write_alembic_project(tmp_path, chain("a1"))
    versions = tmp_path / "migrations" / "versions"
    (versions / "b1_linked.py").write_text(
        'revision = "b1"\ndown_revision = None\n\n\n'
        'def _link():\n    global down_revision\n    down_revision = "a1"\n\n\n_link()\n'
    )
    assert ScriptDirectory.from_config(Config(str(ini))).get_heads() == ["b1"]
    history = read_history(read_versions(str(tmp_path), ["migrations/versions"]))
    assert [(error.path, error.line) for error in history.errors] == [
        ("migrations/versions/b1_linked.py", 6)
    ]
    assert "`down_revision` is declared `global` in a function" in history.errors[0].reason
