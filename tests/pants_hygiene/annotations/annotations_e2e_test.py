"""`./pants lint` / `./pants fix` for return annotations in a temp git repo."""

from __future__ import annotations

from pathlib import Path

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.annotations")

MODULE = """\
def parse(text):
    return text.split()


def main():  # the entry point
    print(parse("a b"))


class Job:
    def __init__(self, name: str):
        self.name = name

    def run(self):
        ...
"""


def test_lint_then_fix_then_only_the_unfixable_remain(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        {"src/app/BUILD": "python_sources()\n", "src/app/jobs.py": MODULE},
        backends=BACKENDS,
    )
    lint = repo.pants("lint", "::")
    assert lint.exit_code == 1
    assert [line for line in lint.stderr.splitlines() if ": HA" in line] == [
        "src/app/jobs.py:1:1: HA101 Missing return annotation for function `parse`",
        "src/app/jobs.py:5:1: HA101 Missing return annotation for function `main` [*]",
        "src/app/jobs.py:10:5: HA101 Missing return annotation for function `__init__` [*]",
        "src/app/jobs.py:13:5: HA101 Missing return annotation for function `run`",
    ]

    fix = repo.pants("fix", "::")
    assert fix.exit_code == 0, fix.stderr
    assert repo.read("src/app/jobs.py") == MODULE.replace(
        "def main():", "def main() -> None:"
    ).replace("name: str):", "name: str) -> None:")
    assert repo.git("diff", "--stat").strip().startswith("src/app/jobs.py | 4 ++--")

    again = repo.pants("--changed-since=HEAD", "lint")
    assert again.exit_code == 1
    assert [line.split(" ")[0] for line in again.stderr.splitlines() if ": HA" in line] == [
        "src/app/jobs.py:1:1:",
        "src/app/jobs.py:13:5:",
    ]
