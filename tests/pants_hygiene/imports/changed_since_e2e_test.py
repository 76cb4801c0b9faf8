"""CI's path: `--changed-since` lints the changed files with facts gathered for them alone, and
finds for them exactly what `lint ::` with the whole repo's facts finds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import List

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = (
    "pants.backend.python",
    "pants_hygiene.imports",
    "pants_hygiene.build_files",
    "pants_hygiene.annotations",
)

FILES = {
    "src/shop/BUILD": 'python_sources(sources=["**/*.py"])\n',
    "src/shop/__init__.py": "",
    "src/shop/util.py": "def money(cents: int) -> str:\n    return f'{cents / 100:.2f}'\n",
    "src/shop/models/__init__.py": "",
    "src/shop/models/order.py": "from ..util import money\n",
    "src/billing/BUILD": "python_sources()\n",
    "src/billing/__init__.py": "",
    "src/billing/invoice.py": "from shop.util import money\n",
    "src/billing/reports/BUILD": "python_sources()\n",
    "src/billing/reports/__init__.py": "",
    "src/billing/reports/pdf.py": "def render() -> str:\n    return 'pdf'\n",
    # A namespace package under a second source root, owned from two BUILD files.
    "libs/acme/src/acme/tools/BUILD": "python_sources()\n",
    "libs/acme/src/acme/tools/text.py": "def wrap(text: str) -> str:\n    return text\n",
    "libs/acme/src/acme/extra/BUILD": "python_sources()\n",
    "libs/acme/src/acme/extra/more.py": "X = 1\n",
    "tests/shop/BUILD": "python_tests()\n",
    "tests/shop/test_order.py": (
        "from shop.models.order import money\n\n\ndef test_money():\n    assert money(1)\n"
    ),
}

# The change a pull request makes: imports the policy wants otherwise, in files owned by BUILD
# files of every shape, a function without a return annotation, and a file no target owns.
CHANGES = {
    "src/shop/models/order.py": (
        "from shop.util import money\nimport shop.models as models\nfrom acme import tools\n\n\n"
        "def total(cents):\n    return money(cents)\n"
    ),
    "src/billing/invoice.py": (
        "from billing.reports import pdf\nfrom .reports.pdf import render\n"
        "from acme.tools.text import wrap\n"
    ),
    "libs/acme/src/acme/tools/text.py": (
        "from acme.tools import text\nfrom acme.extra.more import X\n\n\n"
        "def wrap(text: str):\n    print(text)\n"
    ),
    "src/billing/reports/unowned/helper.py": "def helper():\n    pass\n",
}


def _within(some: List[str], others: List[str]) -> bool:
    """Whether every line of `some` is among `others`, as often as it occurs."""
    return not Counter(some) - Counter(others)


def _findings(output: str) -> List[str]:
    return [line for line in output.splitlines() if ": H" in line and line[:1] not in " ✓✕"]


def test_changed_since_finds_for_the_changed_files_what_lint_everything_finds(
    tmp_path: Path,
) -> None:
    repo = E2ERepo.create(
        tmp_path, FILES, backends=BACKENDS, source_roots=("/src", "/tests", "/libs/*/src")
    )
    repo.write(CHANGES)
    # The whole repo's facts: scoped facts are used only up to this many files.
    whole = repo.pants("--hygiene-tool-scoped-facts-max-files=0", "lint", "::")
    changed = repo.pants("--changed-since=HEAD", "lint")
    assert (whole.exit_code, changed.exit_code) == (1, 1), changed.stderr
    whole_findings, changed_findings = _findings(whole.stderr), _findings(changed.stderr)

    # Each finding once, whichever linter's batch reports it.
    assert _within(changed_findings, whole_findings)
    about_changes = [line for line in whole_findings if line.split(":")[0] in CHANGES]
    assert _within(about_changes, changed_findings)
    # The unowned file is reported at its package root's BUILD file, by the file's own lint.
    unowned = [line for line in whole_findings if "`src/billing/reports/unowned/`" in line]
    assert unowned and set(unowned) <= set(changed_findings), (whole_findings, changed_findings)
    codes = {line.split(": ")[1].split(" ")[0] for line in changed_findings}
    assert {"HI101", "HI102", "HA101", "HB101"} <= codes
    # Unchanged files are not linted.
    assert [line for line in whole_findings if line.startswith("tests/")]
    assert not [line for line in changed_findings if line.startswith("tests/")]
