"""`./pants lint` / `./pants fix` for BUILD files in a temp git repo, `--changed-since` included."""

from __future__ import annotations

from pathlib import Path

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.build_files")


def test_changed_since_reports_a_new_package_and_fix_makes_every_file_owned(
    tmp_path: Path,
) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "src/shop/BUILD": 'python_sources(sources=["**/*.py"])\n',
            "src/shop/__init__.py": "",
            "src/shop/models.py": "",
            "tests/shop/BUILD": "python_tests()\n",
            "tests/shop/test_models.py": "def test_nothing() -> None:\n    pass\n",
        },
        backends=BACKENDS,
        source_roots=("/src", "/tests"),
    )
    clean = repo.pants("lint", "::")
    assert clean.exit_code == 0, clean.stderr

    repo.git("checkout", "-q", "-b", "feature")
    repo.write(
        {
            "src/billing/__init__.py": '"""Billing."""\n',
            "src/billing/invoices.py": "",
            "tests/billing/test_invoices.py": "",
        }
    )
    repo.commit_all("billing")
    changed = repo.pants("--changed-since=main", "lint")
    assert changed.exit_code == 1
    assert (
        "src/billing/BUILD:1:1: HB101 1 Python file in `src/billing/` (`invoices.py`) is owned "
        "by no Python target; create `src/billing/BUILD` [*]"
    ) in changed.stderr
    assert (
        "tests/billing/BUILD:1:1: HB101 1 Python file in `tests/billing/` (`test_invoices.py`)"
        in changed.stderr
    )
    assert "src/shop" not in changed.stderr

    fixed = repo.pants("fix", "::")
    assert fixed.exit_code == 0, fixed.stderr
    assert repo.read("src/billing/BUILD") == 'python_sources(sources=["**/*.py"])\n'
    assert repo.read("tests/billing/BUILD") == "python_tests()\n"
    after = repo.pants("lint", "::")
    assert after.exit_code == 0, after.stderr

    listed = repo.pants("list", "::")
    owned = {line.split(":")[0] for line in listed.stdout.splitlines()}
    python_files = {
        str(path.relative_to(tmp_path))
        for directory in ("src", "tests")
        for path in (tmp_path / directory).rglob("*.py")
    }
    assert len(python_files) == 6 and python_files <= owned
