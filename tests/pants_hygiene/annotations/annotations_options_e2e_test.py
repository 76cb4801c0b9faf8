"""A bad option value, as a user of `./pants lint` sees it: one option error, no traceback."""

from __future__ import annotations

from pathlib import Path

from tests.pants_hygiene.pants_e2e import E2ERepo


def test_an_unknown_code_is_an_option_error_not_a_checker_crash(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {"src/app/BUILD": "python_sources()\n", "src/app/a.py": "def f():\n    pass\n"},
        backends=("pants.backend.python", "pants_hygiene.annotations"),
    )
    lint = repo.pants("--hygiene-annotations-select=['HA999']", "lint", "::")
    assert lint.exit_code == 1
    assert (
        "InvalidOptionValue: Invalid `[hygiene-annotations].select`: unknown code(s) `HA999`; "
        "expected one of `HA101`, `HA102`, `HA103`."
    ) in lint.stderr
    assert "Traceback" not in lint.stderr
    assert "crashed" not in lint.stderr
