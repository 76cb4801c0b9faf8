"""Benchmark: static read + check of a 500-revision Alembic history vs `alembic heads`.

Run from the repository root:

    PYTHONPATH=src python benchmarks/alembic_read.py [--revisions 500] [--repeat 5]

Writes a realistic history (linear with a few merged side branches; upgrade/downgrade bodies
with `op.*` calls) plus alembic.ini, env.py and script.py.mako into a temporary directory, then
times, on the same files:
- `check_history` in process (reading the files from disk included), and as a fresh
  `python -c` process, so start-up costs compare like for like;
- `alembic heads` as a subprocess of the same interpreter (the command CI would run), and
  alembic's `ScriptDirectory(...).get_heads()` in process.
Prints the best and median of each and the ratios. The Pants goal runs the check in process, so
the headline is in-process vs `alembic heads` (goal: >= 10x, and <= 0.3 s for 500 revisions); the
like-for-like ratios are printed too, and the read of the metadata blocks alone
(`[check-alembic].check_syntax = false`), which skips parsing the upgrade/downgrade bodies.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from monorepo_hygiene.alembic.check import CheckOptions, check_history

_OPERATIONS = (
    """\
    op.create_table(
        "{table}",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now()),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE")),
    )
    op.create_index("ix_{table}_name", "{table}", ["name"], unique=False)""",
    """\
    op.add_column("{table}", sa.Column("{column}", sa.String(length=64), nullable=True))
    op.execute("UPDATE {table} SET {column} = 'unknown' WHERE {column} IS NULL")
    op.alter_column("{table}", "{column}", existing_type=sa.String(length=64), nullable=False)""",
    """\
    with op.batch_alter_table("{table}") as batch_op:
        batch_op.add_column(sa.Column("{column}", sa.Boolean(), server_default=sa.false()))
        batch_op.create_unique_constraint("uq_{table}_{column}", ["{column}"])""",
)
_DOWNGRADES = (
    """\
    op.drop_index("ix_{table}_name", table_name="{table}")
    op.drop_table("{table}")""",
    """\
    op.drop_column("{table}", "{column}")""",
    """\
    with op.batch_alter_table("{table}") as batch_op:
        batch_op.drop_constraint("uq_{table}_{column}", type_="unique")
        batch_op.drop_column("{column}")""",
)


def _migration(revision: str, down: Tuple[str, ...], position: int, rng: random.Random) -> str:
    kind = rng.randrange(len(_OPERATIONS))
    names = {"table": f"table_{position % 40}", "column": f"col_{position}"}
    down_value = repr(down[0]) if len(down) == 1 else repr(down) if down else "None"
    upgrade = textwrap.indent(textwrap.dedent(_OPERATIONS[kind]).format(**names), "    ")
    downgrade = textwrap.indent(textwrap.dedent(_DOWNGRADES[kind]).format(**names), "    ")
    return (
        f'"""change number {position}\n\n'
        f"Revision ID: {revision}\n"
        f"Revises: {', '.join(down)}\n"
        "Create Date: 2024-05-01 12:00:00.000000\n\n"
        '"""\n'
        "from typing import Sequence, Union\n\n"
        "from alembic import op\n"
        "import sqlalchemy as sa\n\n\n"
        "# revision identifiers, used by Alembic.\n"
        f"revision: str = {revision!r}\n"
        f"down_revision: Union[str, Sequence[str], None] = {down_value}\n"
        "branch_labels: Union[str, Sequence[str], None] = None\n"
        "depends_on: Union[str, Sequence[str], None] = None\n\n\n"
        "def upgrade() -> None:\n"
        f"{upgrade.strip(chr(10))}\n\n\n"
        "def downgrade() -> None:\n"
        f"{downgrade.strip(chr(10))}\n"
    )


def write_project(root: Path, revisions: int, seed: int = 0) -> Path:
    """A linear history with a side branch merged back every ~50 revisions; returns the ini."""
    rng = random.Random(seed)
    versions = root / "migrations" / "versions"
    versions.mkdir(parents=True)
    head: Tuple[str, ...] = ()
    side: Tuple[str, ...] = ()
    for position in range(revisions):
        revision = f"{rng.getrandbits(48):012x}"
        if position % 50 == 20 and head:
            down, side = head, (revision,)  # A side branch starts here...
        elif position % 50 == 30 and side:
            down, side = head + side, ()  # ...and is merged back here.
        elif side and position % 2:
            down, side = side, (revision,)
        else:
            down = head
        if side != (revision,):
            head = (revision,)
        slug = f"change_number_{position}"
        (versions / f"{revision}_{slug}.py").write_text(_migration(revision, down, position, rng))
    (root / "migrations" / "env.py").write_text(
        textwrap.dedent(
            """\
            from alembic import context

            config = context.config


            def run_migrations_offline() -> None:
                context.configure(url=config.get_main_option("sqlalchemy.url"))
                with context.begin_transaction():
                    context.run_migrations()


            run_migrations_offline()
            """
        )
    )
    (root / "migrations" / "script.py.mako").write_text('"""${message}"""\n')
    ini = root / "alembic.ini"
    ini.write_text(
        "[alembic]\nscript_location = %(here)s/migrations\npath_separator = os\n"
        "sqlalchemy.url = sqlite:///%(here)s/app.db\n"
    )
    return ini


def static_check(versions: Path, check_syntax: bool = True) -> Tuple[int, Tuple[str, ...]]:
    files: Dict[str, bytes] = {
        f"migrations/versions/{entry.name}": Path(entry.path).read_bytes()
        for entry in os.scandir(versions)
        if entry.is_file()
    }
    report = check_history("migrations/versions", files, CheckOptions(check_syntax=check_syntax))
    return report.revision_count, report.heads


def _time(run: Callable[[], object], repeat: int) -> List[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ini = write_project(root, args.revisions)
        versions = root / "migrations" / "versions"
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        src = str(Path(__file__).resolve().parent.parent / "src")
        alembic_heads = [sys.executable, "-m", "alembic", "-c", str(ini), "heads"]
        ours_process = [
            sys.executable,
            "-c",
            (
                "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
                "from alembic_read import static_check; from pathlib import Path;"
                "print(static_check(Path(sys.argv[3])))"
            ),
            src,
            str(Path(__file__).resolve().parent),
            str(versions),
        ]

        count, heads = static_check(versions)
        alembic_output = subprocess.run(
            alembic_heads, check=True, capture_output=True, text=True, env=env
        ).stdout.split()
        assert count == args.revisions, count
        assert list(heads) == alembic_output[:1], (heads, alembic_output)

        def alembic_in_process() -> object:
            from alembic.script import ScriptDirectory

            return ScriptDirectory(str(root / "migrations")).get_heads()

        sys.dont_write_bytecode = True
        results = {
            "static read+check, in process": _time(lambda: static_check(versions), args.repeat),
            "alembic ScriptDirectory.get_heads(), in process": _time(
                alembic_in_process, args.repeat
            ),
            "static read+check, fresh python process": _time(
                lambda: subprocess.run(ours_process, check=True, capture_output=True, env=env),
                args.repeat,
            ),
            "`alembic heads`, subprocess": _time(
                lambda: subprocess.run(alembic_heads, check=True, capture_output=True, env=env),
                args.repeat,
            ),
            "static read+check, in process, --no-check-syntax": _time(
                lambda: static_check(versions, check_syntax=False), args.repeat
            ),
        }

    print(
        f"{args.revisions} revisions, head {heads[0]}, {args.repeat} runs each "
        f"(Python {sys.version.split()[0]})"
    )
    for label, timings in results.items():
        print(
            f"  {label:<50} best {min(timings):.3f} s   median {statistics.median(timings):.3f} s"
        )
    best = {label: min(timings) for label, timings in results.items()}
    labels = list(best)
    print(f"  in process vs `alembic heads`: {best[labels[3]] / best[labels[0]]:.1f}x faster")
    print(f"  in process vs in process:      {best[labels[1]] / best[labels[0]]:.1f}x faster")
    print(f"  command vs command:            {best[labels[3]] / best[labels[2]]:.1f}x faster")
    print(
        "  in process, metadata only (--no-check-syntax) vs `alembic heads`: "
        f"{best[labels[3]] / best[labels[4]]:.1f}x faster"
    )


if __name__ == "__main__":
    main()
