"""The wheel `./pants package //:dist` builds is the whole suite: a repo that puts only the wheel
on Pants' pythonpath runs every backend, including the sandboxed checkers and their lockfile."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.pants_hygiene.pants_e2e import E2ERepo

# `runtime_package_dependencies` puts the built wheel at the sandbox root.
WHEEL = Path("pants_monorepo_hygiene-0.1.0-py3-none-any.whl")
BACKENDS = (
    "pants.backend.python",
    "pants_hygiene.alembic",
    "pants_hygiene.annotations",
    "pants_hygiene.imports",
    "pants_hygiene.build_files",
)


def test_the_wheel_holds_backends_core_and_lockfile() -> None:
    names = set(zipfile.ZipFile(WHEEL).namelist())
    for backend in BACKENDS[1:]:
        assert f"{backend.replace('.', '/')}/register.py" in names
    assert "pants_hygiene/tool/hygiene_tool.lock" in names
    # Pants 2.32+ fail to load a resource lockfile without its metadata beside it.
    assert "pants_hygiene/tool/hygiene_tool.lock.metadata" in names
    assert "monorepo_hygiene/__main__.py" in names
    assert "monorepo_hygiene/annotations/__main__.py" in names


def test_a_repo_using_only_the_wheel_runs_the_suite(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
            "svc/migrations/versions/a1_init.py": 'revision = "a1"\ndown_revision = None\n',
            "src/app/BUILD": "python_sources()\n",
            "src/app/main.py": "def main():\n    print('hi')\n",
        },
        backends=BACKENDS,
        source_roots=("/src",),
        wheel=WHEEL,
    )
    check = repo.pants("check-alembic", "::")
    assert (check.exit_code, check.stdout) == (
        0,
        "svc/migrations/versions: 1 revision, 1 head a1 (found by svc/alembic.ini [alembic])\n",
    ), check.stderr
    lint = repo.pants("lint", "src::")
    assert lint.exit_code == 1
    assert "src/app/main.py:1:1: HA101 Missing return annotation for function `main` [*]" in (
        lint.stderr
    )


def test_pants_installs_the_wheel_from_the_plugins_option(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
            "svc/migrations/versions/a1_init.py": 'revision = "a1"\ndown_revision = None\n',
        },
        backends=("pants.backend.python", "pants_hygiene.alembic"),
        wheel=WHEEL,
        wheel_as_plugin=True,
    )
    check = repo.pants("check-alembic", "::")
    assert (check.exit_code, check.stdout) == (
        0,
        "svc/migrations/versions: 1 revision, 1 head a1 (found by svc/alembic.ini [alembic])\n",
    ), check.stderr
    assert "Resolving plugins: pants-monorepo-hygiene==0.1.0" in check.stderr
