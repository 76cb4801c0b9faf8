"""Write real Alembic migration files for a revision DAG, for tests of the Alembic capability.

`Rev` describes one revision; `migration_source` renders it the way `alembic revision` does (with
syntax variations chosen by `Style`); `history_files` gives the path -> bytes mapping the core
functions take; `write_history` / `write_alembic_project` put the same files on disk, so alembic
itself can load them as an oracle.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from hypothesis import strategies as st

VERSIONS_DIR = "migrations/versions"


@dataclass(frozen=True)
class Style:
    """How a migration file spells its metadata; the defaults match alembic 1.16's template."""

    typed: bool = True
    quote: str = '"'
    # How several ids are written: "tuple" -> ("a", "b"), "list" -> ["a", "b"].
    sequence: str = "tuple"
    # A single id written as a one-element sequence instead of a string.
    single_as_sequence: bool = False
    # File name: "rev_first" -> <rev>_<slug>.py, "slug_first" -> <slug>_<rev>.py,
    # "numbered" -> <NNNN>_<slug>.py (the number is the revision's position in the history).
    file_name: str = "rev_first"
    docstring: bool = True


DEFAULT_STYLE = Style()


@dataclass(frozen=True)
class Rev:
    revision: str
    down: Tuple[str, ...] = ()
    depends_on: Tuple[str, ...] = ()
    branch_labels: Tuple[str, ...] = ()
    message: str = ""
    style: Style = DEFAULT_STYLE

    @property
    def slug(self) -> str:
        return "_".join((self.message or f"change {self.revision}").lower().split())


def chain(*revisions: str, down: Tuple[str, ...] = ()) -> Tuple[Rev, ...]:
    """A linear history: each revision's down_revision is the previous one (the first's `down`)."""
    result: List[Rev] = []
    for revision in revisions:
        result.append(Rev(revision, down))
        down = (revision,)
    return tuple(result)


def file_name(rev: Rev, position: int) -> str:
    if rev.style.file_name == "slug_first":
        return f"{rev.slug}_{rev.revision}.py"
    if rev.style.file_name == "numbered":
        return f"{position:04d}_{rev.slug}.py"
    return f"{rev.revision}_{rev.slug}.py"


def migration_source(rev: Rev) -> str:
    style = rev.style
    q = style.quote

    def ids(values: Tuple[str, ...]) -> str:
        if not values:
            return "None"
        if len(values) == 1 and not style.single_as_sequence:
            return f"{q}{values[0]}{q}"
        items = ", ".join(f"{q}{v}{q}" for v in values)
        if style.sequence == "list":
            return f"[{items}]"
        return f"({items},)" if len(values) == 1 else f"({items})"

    if style.typed:
        header = (
            f"revision: str = {q}{rev.revision}{q}\n"
            f"down_revision: Union[str, Sequence[str], None] = {ids(rev.down)}\n"
            f"branch_labels: Union[str, Sequence[str], None] = {ids(rev.branch_labels)}\n"
            f"depends_on: Union[str, Sequence[str], None] = {ids(rev.depends_on)}\n"
        )
    else:
        header = (
            f"revision = {q}{rev.revision}{q}\n"
            f"down_revision = {ids(rev.down)}\n"
            f"branch_labels = {ids(rev.branch_labels)}\n"
            f"depends_on = {ids(rev.depends_on)}\n"
        )
    docstring = (
        f'"""{rev.message or "change " + rev.revision}\n\n'
        f"Revision ID: {rev.revision}\n"
        f"Revises: {', '.join(rev.down)}\n"
        "Create Date: 2024-05-01 12:00:00.000000\n\n"
        '"""\n'
        if style.docstring
        else ""
    )
    table = f"table_{rev.revision}"
    return (
        docstring
        + "from typing import Sequence, Union\n\n"
        + "from alembic import op\n"
        + "import sqlalchemy as sa\n\n\n"
        + "# revision identifiers, used by Alembic.\n"
        + header
        + textwrap.dedent(
            f"""

            def upgrade() -> None:
                op.create_table(
                    "{table}",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("name", sa.String(length=100), nullable=True),
                    sa.PrimaryKeyConstraint("id"),
                )
                op.create_index("ix_{table}_name", "{table}", ["name"], unique=False)


            def downgrade() -> None:
                op.drop_index("ix_{table}_name", table_name="{table}")
                op.drop_table("{table}")
            """
        )
    )


def history_files(revisions: Sequence[Rev], versions_dir: str = VERSIONS_DIR) -> Dict[str, bytes]:
    """The path -> content mapping of a history, as the Pants side hands it to the core."""
    return {
        f"{versions_dir}/{file_name(rev, position)}": migration_source(rev).encode()
        for position, rev in enumerate(revisions)
    }


def write_history(versions_dir: Path, revisions: Sequence[Rev]) -> Dict[str, Path]:
    """Write one file per revision into `versions_dir`; returns revision id -> file path."""
    versions_dir.mkdir(parents=True, exist_ok=True)
    paths: Dict[str, Path] = {}
    for position, rev in enumerate(revisions):
        path = versions_dir / file_name(rev, position)
        path.write_text(migration_source(rev))
        paths[rev.revision] = path
    return paths


def write_alembic_project(
    root: Path, revisions: Sequence[Rev], script_location: Optional[str] = None
) -> Path:
    """A runnable alembic project (alembic.ini, env.py, script.py.mako, versions/) in `root`.

    Returns the alembic.ini path. The database is a SQLite file that offline commands never open.
    """
    script_dir = root / "migrations"
    write_history(script_dir / "versions", revisions)
    (script_dir / "env.py").write_text(_ENV_PY)
    (script_dir / "script.py.mako").write_text(_SCRIPT_MAKO)
    ini = root / "alembic.ini"
    ini.write_text(
        textwrap.dedent(
            f"""\
            [alembic]
            script_location = {script_location or "%(here)s/migrations"}
            path_separator = os
            sqlalchemy.url = sqlite:///%(here)s/app.db

            [loggers]
            keys = root

            [handlers]
            keys = console

            [formatters]
            keys = generic

            [logger_root]
            level = WARN
            handlers = console

            [handler_console]
            class = StreamHandler
            args = (sys.stderr,)
            level = NOTSET
            formatter = generic

            [formatter_generic]
            format = %%(levelname)-5.5s [%%(name)s] %%(message)s
            """
        )
    )
    return ini


_ENV_PY = textwrap.dedent(
    """\
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    config = context.config
    target_metadata = None


    def run_migrations_offline() -> None:
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()


    def run_migrations_online() -> None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with connectable.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()


    if context.is_offline_mode():
        run_migrations_offline()
    else:
        run_migrations_online()
    """
)

_SCRIPT_MAKO = textwrap.dedent(
    '''\
    """${message}

    Revision ID: ${up_revision}
    Revises: ${down_revision | comma,n}
    Create Date: ${create_date}

    """
    from typing import Sequence, Union

    from alembic import op
    import sqlalchemy as sa
    ${imports if imports else ""}

    # revision identifiers, used by Alembic.
    revision: str = ${repr(up_revision)}
    down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
    branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
    depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


    def upgrade() -> None:
        ${upgrades if upgrades else "pass"}


    def downgrade() -> None:
        ${downgrades if downgrades else "pass"}
    '''
)


# Every way `Style` can spell a migration, for hypothesis tests.
STYLES = st.builds(
    Style,
    typed=st.booleans(),
    quote=st.sampled_from(['"', "'"]),
    sequence=st.sampled_from(["tuple", "list"]),
    single_as_sequence=st.booleans(),
    file_name=st.sampled_from(["rev_first", "slug_first", "numbered"]),
    docstring=st.booleans(),
)
