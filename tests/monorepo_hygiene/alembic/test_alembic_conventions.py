"""Migration conventions (issue 25): HM116 redundant merge parents (real alembic is the oracle:
`upgrade head` fails on them and works after the fix, which keeps alembic's ancestry), HM117 the
release marker, HM118 database reads that `alembic upgrade --sql` (run for real) fails on."""

from __future__ import annotations

import io
import textwrap
from contextlib import redirect_stdout
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.script.revision import Revision, RevisionMap
from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.check import CheckOptions, check_history
from monorepo_hygiene.alembic.conventions import ConventionOptions
from monorepo_hygiene.alembic.graph import RevisionGraph
from monorepo_hygiene.alembic.reader import read_history
from monorepo_hygiene.alembic.release import ReleaseMarker
from tests.monorepo_hygiene.alembic.alembic_fixtures import (
    Rev,
    history_files,
    migration_source,
    write_alembic_project,
)

VERSIONS = "migrations/versions"
# #11131's shape: `b` was backported below `c`, and "merge heads" still lists it.
REDUNDANT = (
    Rev("a"),
    Rev("b", ("a",)),
    Rev("c", ("b",)),
    Rev("x", ("a",)),
    Rev("m", ("b", "c", "x")),
)


pytestmark = pytest.mark.usefixtures("no_bytecode")


def _codes(report_findings: Sequence[object]) -> List[str]:
    return [f.code for f in report_findings]  # type: ignore[attr-defined]


# --- HM116 --------------------------------------------------------------------------------


def _upgrade(ini: Path, start: Optional[str]) -> Optional[str]:
    """`alembic upgrade head` on a fresh SQLite database (first up to `start`): the error's
    type, or None."""
    config = Config(str(ini))
    try:
        if start is not None:
            command.upgrade(config, start)
        command.upgrade(config, "head")
    except Exception as e:  # noqa: BLE001 - the oracle's failure is what is compared.
        return type(e).__name__
    finally:
        (ini.parent / "app.db").unlink(missing_ok=True)
    return None


def test_redundant_merge_parent_fails_alembic_upgrade_and_the_fix_makes_it_work(
    tmp_path: Path,
) -> None:
    ini = write_alembic_project(tmp_path, REDUNDANT)
    # The oracle: alembic itself can't upgrade this history, fresh or from both old heads.
    assert _upgrade(ini, None) == "KeyError"
    assert _upgrade(ini, "c") == "KeyError"

    files = {
        f"{VERSIONS}/{path.name}": path.read_bytes()
        for path in sorted((tmp_path / VERSIONS).glob("*.py"))
    }
    report = check_history(VERSIONS, files)
    (finding,) = report.findings
    m_path = f"{VERSIONS}/m_change_m.py"
    line = (
        files[m_path]
        .decode()
        .splitlines()
        .index('down_revision: Union[str, Sequence[str], None] = ("b", "c", "x")')
    )
    assert finding.render() == (
        f"{m_path}:{line + 1}:1: "
        "HM116 Merge `m` lists redundant parents: `b` is an ancestor of `c`; `alembic upgrade` "
        "fails on it (KeyError); keep `c`, `x` [*]"
    )
    ((fixed_path, fixed),) = report.fixes
    assert fixed_path == m_path
    (tmp_path / m_path).write_bytes(fixed)

    assert _upgrade(ini, None) is None
    assert _upgrade(ini, "c") is None  # A database at both old heads: `c` and `x`.
    script = ScriptDirectory.from_config(Config(str(ini)))
    assert script.get_heads() == ["m"]
    assert {r.revision for r in script.iterate_revisions("m", "base")} == {"a", "b", "c", "x", "m"}
    assert check_history(VERSIONS, {**files, m_path: fixed}).findings == ()


def test_noqa_keeps_a_redundant_parent_unreported_and_unfixed() -> None:
    files = history_files(REDUNDANT)
    path = next(p for p in files if "/m_" in p)
    files[path] = files[path].replace(b'("b", "c", "x")', b'("b", "c", "x")  # noqa: HM116')
    report = check_history(VERSIONS, files)
    assert (report.findings, report.fixes) == ((), ())


def _random_dags() -> st.SearchStrategy[Tuple[Rev, ...]]:
    """Histories where each revision revises 1-3 earlier ones (the first is the base)."""

    @st.composite
    def build(draw: st.DrawFn) -> Tuple[Rev, ...]:
        count = draw(st.integers(2, 12))
        revisions = [Rev("r00")]
        for n in range(1, count):
            earlier = [rev.revision for rev in revisions]
            parents = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
            revisions.append(Rev(f"r{n:02d}", tuple(parents)))
        return tuple(revisions)

    return build()


def _alembic_ancestry(files: Dict[str, bytes]) -> Dict[str, FrozenSet[str]]:
    """Alembic's RevisionMap over the files: each revision's ancestors-or-self."""
    history = read_history(files)
    revision_map = RevisionMap(
        lambda: [Revision(m.revision, m.down_revisions or None) for m in history.migrations]
    )
    return {
        m.revision: frozenset(
            r.revision for r in revision_map.iterate_revisions(m.revision, "base")
        )
        for m in history.migrations
    }


@settings(max_examples=60, deadline=None)
@given(_random_dags())
def test_the_fix_keeps_every_ancestry_as_alembic_computes_it(revisions: Tuple[Rev, ...]) -> None:
    files = history_files(revisions)
    graph = RevisionGraph.from_migrations(read_history(files).migrations)
    report = check_history(VERSIONS, files)
    hm116 = [f for f in report.findings if f.code == "HM116"]
    expected = {r: graph.ancestors(r) | {r} for r in graph.revisions}
    # Every merge whose parents include an ancestor of another parent is reported, no other.
    assert len(hm116) == sum(
        1
        for r in graph.revisions
        if any(p in graph.ancestors(q) for p in graph.parents(r) for q in graph.parents(r))
    )
    fixed = {**files, **dict(report.fixes)}
    assert [f for f in check_history(VERSIONS, fixed).findings if f.code == "HM116"] == []
    assert _alembic_ancestry(fixed) == expected
    assert RevisionGraph.from_migrations(read_history(fixed).migrations).heads == graph.heads


# --- HM117 --------------------------------------------------------------------------------

PART_OF = ReleaseMarker.parse(r"^# Part of: (?P<release>\S+)", "NEXT_RELEASE_VERSION")


def _with_marker(rev: Rev, marker: Optional[str]) -> bytes:
    source = migration_source(rev)
    if marker is not None:
        source = source.replace("from typing", f"# Part of: {marker}\nfrom typing", 1)
    return source.encode()


def _release_findings(allow_placeholder: bool, after: str = "b") -> List[str]:
    markers = {"a": None, "b": None, "c": "26.8.0", "d": "NEXT_RELEASE_VERSION", "e": None}
    down: Tuple[str, ...] = ()
    files: Dict[str, bytes] = {}
    for revision, marker in markers.items():
        files[f"{VERSIONS}/{revision}.py"] = _with_marker(Rev(revision, down), marker)
        down = (revision,)
    options = CheckOptions(
        conventions=ConventionOptions(
            release_marker=PART_OF, required_after=after, allow_placeholder=allow_placeholder
        )
    )
    return [f.render() for f in check_history(VERSIONS, files, options).findings]


def test_migrations_after_the_given_revision_need_the_marker() -> None:
    no_marker_line = (
        migration_source(Rev("e", ("d",))).splitlines().index('revision: str = "e"') + 1
    )
    d_lines = _with_marker(Rev("d", ("c",)), "NEXT_RELEASE_VERSION").decode().splitlines()
    placeholder_line = d_lines.index("# Part of: NEXT_RELEASE_VERSION") + 1
    assert _release_findings(allow_placeholder=False) == [
        f"{VERSIONS}/d.py:{placeholder_line}:1: HM117 `d` is marked "
        "`# Part of: NEXT_RELEASE_VERSION`: the placeholder is not allowed here; name the release",
        f"{VERSIONS}/e.py:{no_marker_line}:1: HM117 `e` has no release marker (`release_marker`)",
    ]
    assert _release_findings(allow_placeholder=True) == [
        f"{VERSIONS}/e.py:{no_marker_line}:1: HM117 `e` has no release marker (`release_marker`)",
    ]
    assert _release_findings(allow_placeholder=True, after="zz") == [
        f"{VERSIONS}:1:1: HM117 `release_marker_required_after` names `zz`, which is not a "
        "revision of this history",
    ]


# --- HM118 --------------------------------------------------------------------------------


def _migration(revision: str, down: Optional[str], upgrade: str) -> str:
    """A migration whose `upgrade()` body is `upgrade` (a dedented block); its first body line
    is line 11."""
    return (
        "from alembic import context, op\n"
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import Session\n"
        "\n"
        f'revision = "{revision}"\n'
        f"down_revision = {down!r}\n"
        "\n"
        "\n"
        "def upgrade():\n"
        "    pass\n"
        + textwrap.indent(textwrap.dedent(upgrade), "    ")
        + "\n\ndef downgrade():\n    pass\n"
    )


# Ends the line of each read below, where HM118 is reported.
READ = "  # the read"
READS = {
    "bind_execute": f"""\
        bind = op.get_bind()
        count = bind.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar(){READ}
    """,
    "chained_scalar": f"""\
        count = op.get_bind().scalar(sa.text("SELECT count(*) FROM alembic_version")){READ}
    """,
    "inspect": f"""\
        conn = op.get_bind()
        tables = sa.inspect(conn).get_table_names(){READ}
    """,
    "session": f"""\
        session = Session(bind=op.get_bind()){READ}
        session.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar()
    """,
}
GUARDED = """\
    if context.is_offline_mode():
        return
    count = op.get_bind().execute(sa.text("SELECT count(*) FROM alembic_version")).scalar()
"""
GUARDED_AS_SQL = """\
    if not op.get_context().as_sql:
        count = op.get_bind().execute(sa.text("SELECT count(*) FROM alembic_version")).scalar()
"""
OFFLINE_SAFE = """\
    op.execute("UPDATE alembic_version SET version_num = version_num")
"""


def _offline_upgrade(tmp_path: Path, source: str) -> Optional[str]:
    """The oracle: `alembic upgrade head --sql` on a project holding `source`."""
    ini = write_alembic_project(tmp_path, ())
    (tmp_path / VERSIONS / "a1.py").write_text(source)
    try:
        with redirect_stdout(io.StringIO()):
            command.upgrade(Config(str(ini)), "head", sql=True)
    except Exception as e:  # noqa: BLE001 - the oracle's failure is what is compared.
        return type(e).__name__
    return None


def _offline_findings(source: str) -> List[str]:
    options = CheckOptions(conventions=ConventionOptions(offline_reads=True))
    files = {f"{VERSIONS}/a1.py": source.encode()}
    return [
        f"{f.line}:{f.code} {f.message}" for f in check_history(VERSIONS, files, options).findings
    ]


@pytest.mark.parametrize("name", sorted(READS))
def test_a_read_without_the_guard_is_reported_and_alembic_sql_fails_on_it(
    tmp_path: Path, name: str
) -> None:
    source = _migration("a1", None, READS[name])
    # Alembic --sql fails on it, running it (not on reading the file).
    assert _offline_upgrade(tmp_path, source) not in (None, "SyntaxError", "IndentationError")
    read_line = next(n for n, line in enumerate(source.splitlines(), 1) if line.endswith(READ))
    (finding,) = _offline_findings(source)
    assert finding.startswith(f"{read_line}:HM118 `upgrade()` reads from the database (`")
    assert finding.endswith(
        "`) without a `context.is_offline_mode()` guard; `alembic upgrade --sql` fails on it"
    )


@pytest.mark.parametrize("body", [GUARDED, GUARDED_AS_SQL, OFFLINE_SAFE])
def test_guarded_or_offline_safe_upgrades_pass_and_alembic_sql_agrees(
    tmp_path: Path, body: str
) -> None:
    source = _migration("a1", None, body)
    assert _offline_upgrade(tmp_path, source) is None
    assert _offline_findings(source) == []


def test_offline_reads_are_opt_in_and_noqa_suppresses_them() -> None:
    source = _migration("a1", None, READS["chained_scalar"])
    files = {f"{VERSIONS}/a1.py": source.encode()}
    assert check_history(VERSIONS, files).findings == ()
    suppressed = source.replace(READ, "  # noqa: HM118")
    assert _offline_findings(suppressed) == []


def test_the_sqlite_url_of_the_oracle_is_never_opened_offline(tmp_path: Path) -> None:
    # `--sql` must not connect: the database file never appears.
    _offline_upgrade(tmp_path, _migration("a1", None, GUARDED))
    assert not (tmp_path / "app.db").exists()
