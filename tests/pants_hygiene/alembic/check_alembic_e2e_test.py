"""`./pants check-alembic` for real, in a temp git repo, including `--changed-since`."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Optional

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.alembic")
INI = "[alembic]\nscript_location = %(here)s/migrations\n"


def migration(revision: str, down_revision: Optional[str]) -> str:
    return dedent(
        f'''\
        """{revision}

        Revision ID: {revision}
        Revises: {down_revision or ""}
        """
        revision: str = "{revision}"
        down_revision: str | None = {down_revision!r}
        '''
    )


def test_check_alembic_on_all_histories_then_only_the_changed_one(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "billing/alembic.ini": INI,
            "billing/migrations/env.py": "",
            "billing/migrations/versions/a1_init.py": migration("a1", None),
            "users/alembic.ini": INI,
            "users/migrations/env.py": "",
            "users/migrations/versions/u1_init.py": migration("u1", None),
        },
        backends=BACKENDS,
    )
    run = repo.pants("check-alembic", "::")
    assert (run.exit_code, run.stdout) == (
        0,
        "billing/migrations/versions: 1 revision, 1 head a1\n"
        "users/migrations/versions: 1 revision, 1 head u1\n",
    ), run.stderr

    repo.git("checkout", "-q", "-b", "feature")
    repo.write(
        {
            "users/migrations/versions/u2_main.py": migration("u2", "u1"),
            "users/migrations/versions/u3_feature.py": migration("u3", "u1"),
        }
    )
    repo.commit_all("two heads in users")
    run = repo.pants("--changed-since=main", "check-alembic")
    assert run.exit_code == 1, run.stderr
    assert run.stdout.splitlines()[0].startswith(
        "users/migrations/versions/u2_main.py:6:1: HM101 Multiple heads `u2`, `u3`"
    )
    assert (
        run.stdout.splitlines()[-1]
        == "users/migrations/versions: 3 revisions, 2 heads u2, u3; 1 error"
    )
    assert "billing" not in run.stdout
