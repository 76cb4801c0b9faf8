"""`./pants lint` and `./pants check-alembic` in a temp git repo: SARIF files under dist/ and
GitHub annotations at the start of log lines, where the Actions runner reads them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.annotations", "pants_hygiene.alembic")


def test_sarif_reports_and_github_annotations(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "src/app/BUILD": "python_sources()\n",
            "src/app/jobs.py": "def main():\n    print('hi')\n",
            "svc/alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
            "svc/migrations/env.py": "",
            "svc/migrations/versions/a1.py": 'revision = "a1"\ndown_revision = None\n',
            "svc/migrations/versions/b2.py": 'revision = "b2"\ndown_revision = "a1"\n',
            "svc/migrations/versions/c3.py": 'revision = "c3"\ndown_revision = "a1"\n',
        },
        backends=BACKENDS,
        extra_toml='[hygiene-reports]\nsarif = true\noutput_style = "github"\n',
    )
    lint = repo.pants("lint", "::")
    assert lint.exit_code == 1
    assert [line for line in lint.stderr.splitlines() if line.startswith("::")] == [
        "::error file=src/app/jobs.py,line=1,col=1,title=HA101::"
        "Missing return annotation for function `main` [*] (fixable with `pants fix`)"
    ]
    # Two results for the tool (the checker, and its fixer in check mode): a subdirectory each.
    (sarif,) = (repo.root / "dist/lint/hygiene-annotations").rglob("hygiene-annotations.sarif")
    log = json.loads(sarif.read_text())
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["properties"]["fixable"]) == ("HA101", True)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "src/app/jobs.py"
    )

    check = repo.pants("check-alembic", "::")
    assert check.exit_code == 1
    log = json.loads(repo.read("dist/check-alembic/check-alembic.sarif"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["HM101"]
