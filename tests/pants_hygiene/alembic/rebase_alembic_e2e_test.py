"""`./pants rebase-alembic` for real: a branch and main both added migrations, main was merged in."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Optional

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


def test_rebase_moves_our_chain_onto_main_and_check_alembic_passes(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
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
