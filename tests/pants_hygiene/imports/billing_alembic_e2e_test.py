"""`./pants fix ::` on the billing example never breaks its Alembic migrations.

The migrations import the app's models and the same BUILD file owns both, so the default policy
would want relative imports there, which Alembic (loading each file by path) can't run. After a
real `./pants fix ::`, a real `alembic upgrade head` and `downgrade base` must work, on SQLite and
on PostgreSQL (required when CI is set).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator

import pytest
import sqlalchemy

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.imports")
EXAMPLE = Path("examples/billing")
INVOICES = "examples/billing/src/billing/invoices.py"
ENV = "examples/billing/src/billing/db/migrations/env.py"
FIRST = "examples/billing/src/billing/db/migrations/versions/0001_create_invoices.py"
SECOND = "examples/billing/src/billing/db/migrations/versions_v2/0002_add_invoice_total.py"


def example_files() -> Dict[str, str]:
    return {path.as_posix(): path.read_text() for path in EXAMPLE.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def fixed_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2ERepo]:
    files = example_files()
    # Planted: an absolute import within the app (HI101), and a relative import in a migration,
    # which can't work there (HI106); the example itself is clean.
    files[INVOICES] = files[INVOICES].replace("from .models import", "from billing.models import")
    files[SECOND] = files[SECOND].replace("from billing import models", "from .... import models")
    repo = E2ERepo.create(
        tmp_path_factory.mktemp("billing"),
        files,
        backends=BACKENDS,
        source_roots=("/examples/*/src",),
    )

    lint = repo.pants("lint", "::")
    assert lint.exit_code == 1, lint.stderr
    findings = sorted(line.split(" ")[:2] for line in lint.stderr.splitlines() if ": HI" in line)
    assert findings == [[f"{SECOND}:12:1:", "HI106"], [f"{INVOICES}:5:1:", "HI101"]]

    fix = repo.pants("fix", "::")
    assert fix.exit_code == 0, fix.stderr
    fixed = example_files()
    for path in (ENV, FIRST, SECOND):
        assert repo.read(path) == fixed[path]
    assert repo.read(INVOICES) == fixed[INVOICES]

    again = repo.pants("lint", "::")
    assert again.exit_code == 0, again.stderr
    yield repo


def alembic(repo: E2ERepo, url: str, *command: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "examples/billing/alembic.ini", *command],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**os.environ, "BILLING_DATABASE_URL": url},
    )
    assert completed.returncode == 0, completed.stderr


def upgrade_and_downgrade(repo: E2ERepo, url: str) -> None:
    alembic(repo, url, "upgrade", "head")
    engine = sqlalchemy.create_engine(url)
    try:
        columns = {column["name"] for column in sqlalchemy.inspect(engine).get_columns("invoices")}
        assert columns == {"id", "customer", "currency", "total_cents"}
        alembic(repo, url, "downgrade", "base")
        assert not sqlalchemy.inspect(engine).has_table("invoices")
    finally:
        engine.dispose()


def test_migrations_run_on_sqlite_after_fix(fixed_repo: E2ERepo, tmp_path: Path) -> None:
    upgrade_and_downgrade(fixed_repo, f"sqlite:///{tmp_path / 'billing.db'}")


def test_migrations_run_on_postgresql_after_fix(fixed_repo: E2ERepo, postgres_url: str) -> None:
    upgrade_and_downgrade(fixed_repo, postgres_url)
