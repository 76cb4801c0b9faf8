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
            # A config under another name, and a service whose config is not in the repo.
            "proxy/alembic-appproxy.ini": INI,
            "proxy/migrations/env.py": "",
            "proxy/migrations/versions/p1_init.py": migration("p1", None),
            "reports/db/env.py": "",
            "reports/db/script.py.mako": "",
            "reports/db/versions/r1_init.py": migration("r1", None),
        },
        backends=BACKENDS,
    )
    run = repo.pants("check-alembic", "::")
    assert (run.exit_code, run.stdout) == (
        0,
        "billing/migrations/versions: 1 revision, 1 head a1 "
        "(found by billing/alembic.ini [alembic])\n"
        "proxy/migrations/versions: 1 revision, 1 head p1 "
        "(found by proxy/alembic-appproxy.ini [alembic])\n"
        "reports/db/versions: 1 revision, 1 head r1 (found by reports/db/env.py (no config))\n"
        "users/migrations/versions: 1 revision, 1 head u1 (found by users/alembic.ini [alembic])\n",
    ), run.stderr

    repo.git("checkout", "-q", "-b", "feature")
    repo.write(
        {
            "users/migrations/versions/u2_main.py": migration("u2", "u1"),
            "users/migrations/versions/u3_feature.py": migration("u3", "u1"),
        }
    )
    repo.commit_all("two heads in users")
    run = repo.pants(
        "--changed-since=main", "check-alembic", "--check-alembic-mermaid-file=dist/alembic.md"
    )
    assert run.exit_code == 1, run.stderr
    assert run.stdout.splitlines()[0].startswith(
        "users/migrations/versions/u2_main.py:6:1: HM101 Multiple heads `u2`, `u3`"
    )
    assert run.stdout.splitlines()[-6:] == [
        "users/migrations/versions:",
        "  * u2 u2_main.py (head)",
        "  | * u3 u3_feature.py (head)",
        "  |/",
        "  * u1 u1_init.py (fork point, base)",
        "users/migrations/versions: 3 revisions, 2 heads u2, u3; 1 error "
        "(found by users/alembic.ini [alembic])",
    ]
    assert "billing" not in run.stdout
    assert "flowchart TD" in (tmp_path / "dist/alembic.md").read_text()


def test_a_symlink_loop_is_an_error_of_its_own_history_only(tmp_path: Path) -> None:
    # Pants 2.17's glob expansion dies (SIGSEGV, exit 139) on a link to itself wherever a wildcard
    # reaches it, so discovery globs no more than the specs' directories and those above them
    # (`::` itself reaches it in Pants' own spec expansion, as does every goal that needs all
    # targets, like `lint` with the imports check's module mapping; file specs are what
    # `--changed-since` hands over).
    repo = E2ERepo.create(
        tmp_path,
        {
            "svc/alembic.ini": INI + "recursive_version_locations = true\n",
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "other/alembic.ini": INI,
            "other/migrations/env.py": "",
            "other/migrations/versions/b1_init.py": migration("b1", None),
        },
        backends=BACKENDS,
    )
    (tmp_path / "svc/migrations/versions/self_m.py").symlink_to("self_m.py")

    run = repo.pants("check-alembic", "other::")
    assert (run.exit_code, run.stdout) == (
        0,
        "other/migrations/versions: 1 revision, 1 head b1 (found by other/alembic.ini [alembic])\n",
    ), run.stderr

    run = repo.pants(
        "check-alembic",
        "svc/migrations/versions/a1_init.py",
        "other/migrations/versions/b1_init.py",
    )
    assert (run.exit_code, run.stdout) == (
        1,
        "svc/migrations/versions/self_m.py:1:1: HM100 symlink loop: "
        "`svc/migrations/versions/self_m.py` resolves to itself, so the history "
        "`svc/migrations/versions` can't be listed; remove or fix the link\n"
        "other/migrations/versions: 1 revision, 1 head b1 (found by other/alembic.ini [alembic])\n",
    ), run.stderr


def test_a_symlink_loop_and_lint_of_other_files_and_the_workaround(tmp_path: Path) -> None:
    # What the README's known limitation says: Pants' engine itself dies on the loop wherever it
    # globs the whole repo (`::`, dependency inference and so the imports check's module
    # mapping); a lint of another file that needs neither works, and `pants_ignore` of the link
    # makes every goal work again.
    repo = E2ERepo.create(
        tmp_path,
        {
            "svc/alembic.ini": INI + "recursive_version_locations = true\n",
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1_init.py": migration("a1", None),
            "lib/BUILD": "python_sources()\n",
            "lib/util.py": "def f():\n    print(1)\n",
        },
        backends=(*BACKENDS, "pants_hygiene.annotations", "pants_hygiene.imports"),
    )
    (tmp_path / "svc/migrations/versions/self_m.py").symlink_to("self_m.py")
    finding = "lib/util.py:1:1: HA101 Missing return annotation for function `f` [*]"

    run = repo.pants(
        "--backend-packages=['pants.backend.python', 'pants_hygiene.annotations']",
        "lint",
        "lib/util.py",
    )
    assert run.exit_code == 1 and finding in run.stderr, run.stderr

    ignore_loop = "--pants-ignore=+['/svc/migrations/versions/self_m.py']"
    run = repo.pants(ignore_loop, "lint", "::")
    assert run.exit_code == 1 and finding in run.stderr, run.stderr
    # Hidden from Pants, the link is still seen by check-alembic, which looks at the directory.
    run = repo.pants(ignore_loop, "check-alembic", "::")
    assert (run.exit_code, run.stdout) == (
        1,
        "svc/migrations/versions/self_m.py:1:1: HM100 symlink loop: "
        "`svc/migrations/versions/self_m.py` resolves to itself, so the history "
        "`svc/migrations/versions` can't be listed; remove or fix the link\n",
    ), run.stderr
