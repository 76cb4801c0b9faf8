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
    """main added `main_1`; the branch added `ours_1`, `ours_2`; main is merged into the branch.

    The ids are not hex, so a merge migration's random id can never start with one of them.
    """
    repo = E2ERepo.create(
        root,
        {
            "svc/alembic.ini": f"[alembic]\nscript_location = %(here)s/migrations\n{ini_extra}",
            "svc/migrations/env.py": "",
            f"{VERSIONS}/a1_users.py": migration("base_a", None, "users"),
        },
        backends=BACKENDS,
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({f"{VERSIONS}/f1_orders.py": migration("ours_1", "base_a", "orders")})
    repo.commit_all("feature: orders")
    repo.write({f"{VERSIONS}/f2_items.py": migration("ours_2", "ours_1", "items")})
    repo.commit_all("feature: items")
    repo.git("checkout", "-q", "main")
    # The reproduction: `origin/main` is stale, the local `main` is ahead of it.
    repo.git("update-ref", "refs/remotes/origin/main", "main")
    repo.write({f"{VERSIONS}/m1_invoices.py": migration("main_1", "base_a", "invoices")})
    repo.commit_all("main: invoices")
    repo.git("checkout", "-q", "feature")
    repo.git("merge", "-q", "--no-edit", "main")
    return repo


def test_rebase_moves_our_chain_onto_main_and_check_alembic_passes(tmp_path: Path) -> None:
    repo = two_heads_repo(tmp_path)

    check = repo.pants("rebase-alembic", "--check", "svc::")
    assert check.exit_code == 1, check.stderr
    assert f"Would update {VERSIONS}/f1_orders.py" in check.stdout
    assert "-down_revision = 'base_a'  # keep this comment" in check.stdout
    assert "+down_revision = 'main_1'  # keep this comment" in check.stdout
    assert repo.git("status", "--porcelain") == ""

    rebase = repo.pants("rebase-alembic", "svc::")
    assert rebase.exit_code == 0, rebase.stderr
    changed = [
        line
        for line in repo.git("diff", "--unified=0").splitlines()
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-Revises: base_a",
        "+Revises: main_1",
        "-down_revision = 'base_a'  # keep this comment",
        "+down_revision = 'main_1'  # keep this comment",
    ]
    assert repo.git("diff", "--name-only").split() == [f"{VERSIONS}/f1_orders.py"]

    verify = repo.pants("check-alembic", "::")
    assert (verify.exit_code, verify.stdout) == (
        0,
        f"{VERSIONS}: 4 revisions, 1 head ours_2 (found by svc/alembic.ini [alembic])\n",
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
    assert added.startswith(f"{VERSIONS}/merge_") and added.endswith(
        "_merge_heads_main_1_ours_2.py"
    )
    merge_migration = read_migration(added, repo.read(added).encode())
    # The base branch's head first, as in the message and file name.
    assert merge_migration.down_revisions == ("main_1", "ours_2")
    assert repo.git("diff", "--name-only") == ""  # no existing migration was touched
    verify = repo.pants("check-alembic", "::")
    assert verify.exit_code == 0, verify.stdout
    assert verify.stdout.startswith(f"{VERSIONS}: 5 revisions, 1 head ")
