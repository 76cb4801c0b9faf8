"""The baseline with real Pants in a temp git repo: write it, lint against it, edit around it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

from tests.pants_hygiene.pants_e2e import E2ERepo, PantsRun

BACKENDS = ("pants.backend.python", "pants_hygiene.annotations", "pants_hygiene.imports")

JOBS = """\
from app import util


def parse(text):
    return text.split()


def main():
    print(parse("a b"))
"""


def _findings(run: PantsRun) -> List[str]:
    return [line for line in run.stderr.splitlines() if ": HA1" in line or ": HI1" in line]


def test_baseline_accepts_old_findings_survives_edits_and_only_shrinks(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {
            "src/app/BUILD": "python_sources()\n",
            "src/app/__init__.py": "",
            "src/app/util.py": "X = 1\n",
            "src/app/jobs.py": JOBS,
        },
        backends=BACKENDS,
        # `lint` also runs the fixers in check mode, and they don't read the baseline.
        extra_toml='[hygiene-reports]\nbaseline = "hygiene-baseline.json"\n[lint]\nskip_fixers = true\n',
    )
    assert repo.pants("lint", "::").exit_code == 1

    written = repo.pants("hygiene-baseline", "::")
    assert written.exit_code == 0, written.stderr
    assert (
        written.stdout == "Wrote hygiene-baseline.json: 3 findings accepted (3 added, 0 removed).\n"
    )
    entries = json.loads(repo.read("hygiene-baseline.json"))["entries"]
    assert [(e["code"], e["statement"]) for e in entries] == [
        ("HA101", "def main ( ) :"),
        ("HA101", "def parse ( text ) :"),
        ("HI101", "from app import util"),
    ]
    assert all(e["path"] == "src/app/jobs.py" for e in entries)
    clean = repo.pants("lint", "::")
    assert (clean.exit_code, _findings(clean)) == (0, []), clean.stderr

    # Lines inserted above every baselined finding move them all; still accepted. A new
    # unannotated function is reported, alone.
    repo.write(
        {"src/app/jobs.py": '"""Jobs."""\nimport os\n\n\ndef new(x):\n    return os.sep\n' + JOBS}
    )
    edited = repo.pants("lint", "::")
    assert edited.exit_code == 1
    assert _findings(edited) == [
        "src/app/jobs.py:5:1: HA101 Missing return annotation for function `new`"
    ]

    # Fixing a baselined finding makes its entry stale: lint fails until the baseline shrinks.
    repo.write({"src/app/jobs.py": JOBS.replace("def main():", "def main() -> None:")})
    stale = repo.pants("lint", "::")
    assert stale.exit_code == 1
    assert "  src/app/jobs.py: HA101 `def main ( ) :`" in stale.stderr.splitlines()
    shrunk = repo.pants("hygiene-baseline", "::")
    assert shrunk.stdout.splitlines() == [
        "Wrote hygiene-baseline.json: 2 findings accepted (0 added, 1 removed).",
        "  no longer found: src/app/jobs.py: HA101 `def main ( ) :`",
    ]
    assert repo.pants("lint", "::").exit_code == 0

    # A baseline that can't be read is refused, saying how to write it anew; --force does.
    repo.write({"hygiene-baseline.json": '{"version": 1, "entries": [{"count": true}]}\n'})
    refused = repo.pants("hygiene-baseline", "::")
    assert refused.exit_code != 0
    assert "`pants hygiene-baseline --force ::`" in refused.stderr
    assert "Traceback" not in refused.stderr
    forced = repo.pants("hygiene-baseline", "--force", "::")
    assert forced.stdout.splitlines()[0] == (
        "Wrote hygiene-baseline.json: 2 findings accepted (2 added, 0 removed)."
    )
    assert repo.pants("lint", "::").exit_code == 0
