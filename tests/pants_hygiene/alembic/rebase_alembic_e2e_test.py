"""`./pants rebase-alembic` for real: a branch and main both added migrations, main was merged in."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Optional

from monorepo_hygiene.alembic.reader import read_migration
from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.alembic")
VERSIONS = "svc/migrations/versions"


def migration(revision: str, down_revision: Optional[str], table: str) -> str:
    return dedent(
        f'''\
        """create {table}

        Revision ID: {revision}
        Revises: {down_revision or ""}
        Create Date: 2026-11-01 10:00:00

        """
        from alembic import op
        import sqlalchemy as sa

        revision = "{revision}"
        down_revision = {down_revision!r}  # keep this comment
        branch_labels = None
        depends_on = None


        def upgrade() -> None:
            op.create_table("{table}", sa.Column("id", sa.Integer(), primary_key=True))


        def downgrade() -> None:
            op.drop_table("{table}")
        '''
    )


def two_heads_repo(root: Path, ini_extra: str = "") -> E2ERepo:
    """main added `m1`; the feature branch added `f1`, `f2`; main is merged into the branch."""
    repo = E2ERepo.create(
        root,
        {
            "svc/alembic.ini": f"[alembic]\nscript_location = %(here)s/migrations\n{ini_extra}",
            "svc/migrations/env.py": "",
            f"{VERSIONS}/a1_users.py": migration("a1", None, "users"),
        },
        backends=BACKENDS,
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({f"{VERSIONS}/f1_orders.py": migration("f1", "a1", "orders")})
    repo.commit_all("feature: orders")
    repo.write({f"{VERSIONS}/f2_items.py": migration("f2", "f1", "items")})
    repo.commit_all("feature: items")
    repo.git("checkout", "-q", "main")
    repo.write({f"{VERSIONS}/m1_invoices.py": migration("m1", "a1", "invoices")})
    repo.commit_all("main: invoices")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    return repo


def test_rebase_moves_our_chain_onto_main_and_check_alembic_passes(tmp_path: Path) -> None:
    repo = two_heads_repo(tmp_path)

    check = repo.pants("rebase-alembic", "--check", "svc::")
    assert check.exit_code == 1, check.stderr
    assert f"Would update {VERSIONS}/f1_orders.py" in check.stdout
    assert "-down_revision = 'a1'  # keep this comment" in check.stdout
    assert "+down_revision = 'm1'  # keep this comment" in check.stdout
    assert repo.git("status", "--porcelain") == ""

    rebase = repo.pants("rebase-alembic", "svc::")
    assert rebase.exit_code == 0, rebase.stderr
    changed = [
        line
        for line in repo.git("diff", "--unified=0").splitlines()
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-Revises: a1",
        "+Revises: m1",
        "-down_revision = 'a1'  # keep this comment",
        "+down_revision = 'm1'  # keep this comment",
    ]
    assert repo.git("diff", "--name-only").split() == [f"{VERSIONS}/f1_orders.py"]

    verify = repo.pants("check-alembic", "::")
    assert (verify.exit_code, verify.stdout) == (
        0,
        f"{VERSIONS}: 4 revisions, 1 head f2\n",
    ), verify.stderr

    repo.commit_all("rebased")
    again = repo.pants("rebase-alembic", "svc::")
    assert again.exit_code == 0, again.stderr
    assert "nothing to rebase" in again.stdout
    assert repo.git("status", "--porcelain") == ""


def test_merge_strategy_writes_a_merge_migration_named_by_the_file_template(
    tmp_path: Path,
) -> None:
    repo = two_heads_repo(tmp_path, ini_extra="file_template = merge_%%(rev)s_%%(slug)s\n")
    merge = repo.pants("rebase-alembic", "--strategy=merge", "svc::")
    assert merge.exit_code == 0, merge.stderr
    [added] = [line[3:] for line in repo.git("status", "--porcelain").splitlines()]
    assert added.startswith(f"{VERSIONS}/merge_") and added.endswith("_merge_heads_m1_f2.py")
    merge_migration = read_migration(added, repo.read(added).encode())
    # The base branch's head first, as in the message and file name.
    assert merge_migration.down_revisions == ("m1", "f2")
    assert repo.git("diff", "--name-only") == ""  # no existing migration was touched
    verify = repo.pants("check-alembic", "::")
    assert verify.exit_code == 0, verify.stdout
    assert verify.stdout.startswith(f"{VERSIONS}: 5 revisions, 1 head ")
