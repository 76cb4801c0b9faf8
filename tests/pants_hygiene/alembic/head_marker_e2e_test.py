"""The head marker workflow with real `./pants` and real git (issue 25): `check-alembic --fix`
writes the marker, two branches each adding a migration conflict on it when merged,
`rebase-alembic` resolves the conflict, and the merge completes with `check-alembic` clean."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.pants_hygiene.alembic.rebase_alembic_e2e_test import BACKENDS, VERSIONS, migration
from tests.pants_hygiene.pants_e2e import E2ERepo

MARKER = "svc/migrations/alembic_head.txt"


def test_marker_written_conflicting_on_merge_resolved_by_rebase_alembic(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
            "svc/migrations/env.py": "",
            f"{VERSIONS}/a1_users.py": migration("base_a", None, "users"),
        },
        backends=BACKENDS,
        extra_toml="[check-alembic]\nhead_marker = true\n",
    )

    missing = repo.pants("check-alembic", "::")
    assert missing.exit_code == 1, missing.stderr
    assert (
        f"{MARKER}:1:1: HM113 No head marker for `{VERSIONS}`; run "
        f"`pants check-alembic --fix {VERSIONS}` to write it [*]"
    ) in missing.stdout

    fixed = repo.pants("check-alembic", "--fix", "::")
    assert fixed.exit_code == 0, fixed.stdout + fixed.stderr
    assert repo.read(MARKER) == "base_a\n"
    repo.commit_all("head marker")

    # Each branch adds a migration and updates the marker, as the post-write hook does.
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(
        {f"{VERSIONS}/f1_orders.py": migration("ours_1", "base_a", "orders"), MARKER: "ours_1\n"}
    )
    repo.commit_all("feature: orders")
    repo.git("checkout", "-q", "main")
    repo.write(
        {
            f"{VERSIONS}/m1_invoices.py": migration("main_1", "base_a", "invoices"),
            MARKER: "main_1\n",
        }
    )
    repo.commit_all("main: invoices")
    repo.git("checkout", "-q", "feature")
    merge = subprocess.run(
        ["git", "merge", "--no-edit", "main"], cwd=repo.root, capture_output=True, text=True
    )
    assert merge.returncode == 1
    assert f"Merge conflict in {MARKER}" in merge.stdout

    conflicted = repo.pants("check-alembic", "::")
    assert conflicted.exit_code == 1
    assert (
        f"{MARKER}:1:1: HM115 Head marker in conflict between `ours_1` and `main_1`"
    ) in conflicted.stdout

    rebase = repo.pants("rebase-alembic", "svc::")
    assert rebase.exit_code == 0, rebase.stdout + rebase.stderr
    assert f"{MARKER} is in conflict (merge): keeping `main_1`, moving `ours_1`" in rebase.stdout
    assert repo.read(MARKER) == "ours_1\n"

    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit")
    assert repo.git("status", "--porcelain") == ""
    clean = repo.pants("check-alembic", "::")
    assert (clean.exit_code, clean.stdout) == (
        0,
        f"{VERSIONS}: 3 revisions, 1 head ours_1 (found by svc/alembic.ini [alembic])\n",
    ), clean.stderr
