"""`./pants lint` / `fix` / `test` on a temp repo of three packages with planted import problems."""

from __future__ import annotations

from pathlib import Path

from tests.pants_hygiene.pants_e2e import E2ERepo

BACKENDS = ("pants.backend.python", "pants_hygiene.imports")

FILES = {
    "src/shop/BUILD": 'python_sources(sources=["**/*.py"])\n',
    "src/shop/__init__.py": "",
    "src/shop/util.py": "def money(cents: int) -> str:\n    return f'{cents / 100:.2f}'\n",
    "src/shop/models/__init__.py": "",
    # Planted: absolute import inside its own BUILD file's subtree.
    "src/shop/models/order.py": (
        "from shop.util import money  # formats prices\n"
        "from common.text import shout\n\n\n"
        "def total(cents: int) -> str:\n    return shout(money(cents))\n"
    ),
    "src/billing/BUILD": 'python_sources(sources=["**/*.py"])\n',
    "src/billing/__init__.py": "",
    # Planted: `import a.b.c as d`, convertible because `billing.reports.pdf` is a module.
    "src/billing/invoice.py": (
        "import billing.reports.pdf as pdf\n\n\ndef invoice() -> str:\n    return pdf.render()\n"
    ),
    "src/billing/reports/__init__.py": "",
    "src/billing/reports/pdf.py": "def render() -> str:\n    return 'pdf'\n",
    "src/common/BUILD": "python_sources()\n",
    "src/common/__init__.py": "",
    "src/common/text.py": "def shout(text: str) -> str:\n    return text.upper()\n",
    # Planted: a relative import reaching into another BUILD file's subtree.
    "src/common/report.py": (
        "from ..billing.invoice import invoice\n\n\ndef report() -> str:\n    return invoice()\n"
    ),
    "tests/shop/BUILD": "python_tests()\n",
    "tests/shop/test_order.py": (
        "from shop.models.order import total\n\n\n"
        "def test_total() -> None:\n    assert total(1234) == '12.34'\n"
    ),
    "tests/billing/BUILD": "python_tests()\n",
    "tests/billing/test_invoice.py": (
        "from billing.invoice import invoice\nfrom common.report import report\n\n\n"
        "def test_invoice() -> None:\n    assert invoice() == report() == 'pdf'\n"
    ),
}


def test_lint_finds_the_planted_problems_fix_repairs_them_and_tests_still_pass(
    tmp_path: Path,
) -> None:
    repo = E2ERepo.create(tmp_path, FILES, backends=BACKENDS, source_roots=("/src", "/tests"))
    lint = repo.pants("lint", "::")
    assert lint.exit_code == 1
    findings = sorted(line for line in lint.stderr.splitlines() if ": HI" in line)
    assert [line.split(" ")[:2] for line in findings] == [
        ["src/billing/invoice.py:1:1:", "HI101"],
        ["src/common/report.py:1:1:", "HI104"],
        ["src/shop/models/order.py:1:1:", "HI101"],
    ]

    fix = repo.pants("fix", "::")
    assert fix.exit_code == 0, fix.stderr
    assert repo.read("src/shop/models/order.py").startswith(
        "from ..util import money  # formats prices\nfrom common.text import shout\n"
    )
    assert repo.read("src/billing/invoice.py").startswith("from .reports import pdf as pdf\n")
    assert repo.read("src/common/report.py").startswith("from billing.invoice import invoice\n")

    again = repo.pants("lint", "::")
    assert again.exit_code == 0, again.stderr
    tests = repo.pants("test", "::")
    assert tests.exit_code == 0, tests.stderr


# Issue 23: one BUILD file over a deep package, and the repo's ruff selecting TID252 (its
# default `ban-relative-imports = "parents"`), in the deprecated top-level form the ruff of
# Pants 2.17's backend reads too.
RUFF_FILES = {
    "pyproject.toml": '[project]\nname = "shop"\n\n[tool.ruff]\nextend-select = ["TID252"]\n',
    "src/shop/BUILD": 'python_sources(sources=["**/*.py"])\n',
    "src/shop/__init__.py": "",
    "src/shop/util.py": "def money(cents: int) -> str:\n    return f'{cents / 100:.2f}'\n",
    "src/shop/models/__init__.py": "",
    "src/shop/models/base.py": "RATE = 2\n",
    # Planted: a parent-relative import ruff rejects, and an own-package absolute one.
    "src/shop/models/order.py": (
        "from ..util import money\nfrom shop.models.base import RATE\n\n\n"
        "def total(cents: int) -> str:\n    return money(cents * RATE)\n"
    ),
    "tests/shop/BUILD": "python_tests()\n",
    "tests/shop/test_order.py": (
        "from shop.models.order import total\n\n\n"
        "def test_total() -> None:\n    assert total(617) == '12.34'\n"
    ),
}


def test_fix_follows_the_repos_ruff_and_both_linters_pass_after_it(tmp_path: Path) -> None:
    repo = E2ERepo.create(
        tmp_path,
        RUFF_FILES,
        backends=(*BACKENDS, "pants.backend.experimental.python.lint.ruff"),
        source_roots=("/src", "/tests"),
    )
    lint = repo.pants("lint", "::")
    assert lint.exit_code == 1
    assert "src/shop/models/order.py:1:1: TID252" in lint.stderr
    findings = sorted(line for line in lint.stderr.splitlines() if ": HI" in line)
    assert [line.split(" ")[:2] for line in findings] == [
        ["src/shop/models/order.py:1:1:", "HI103"],
        ["src/shop/models/order.py:2:1:", "HI101"],
    ]

    fix = repo.pants("fix", "::")
    assert fix.exit_code == 0, fix.stderr
    assert repo.read("src/shop/models/order.py").startswith(
        "from shop.util import money\nfrom .base import RATE\n"
    )
    again = repo.pants("lint", "::")
    assert again.exit_code == 0, again.stderr
    tests = repo.pants("test", "::")
    assert tests.exit_code == 0, tests.stderr


def test_fix_with_every_fixer_where_a_package_init_gets_fixes_of_two_of_them(
    tmp_path: Path,
) -> None:
    """The imports checker also reads the `__init__`s of the batch's packages (whether a fixed
    `import a.b.c as d` would bind the package's own name). In `pants fix` the batch's files come
    from the fixer before it: a package `__init__` the annotations fixer changed must reach the
    imports fixer as changed, not a second time from disk ("Can only merge Directories with no
    duplicates" broke every `pants fix` of such a repo)."""
    files = {
        "src/shop/BUILD": 'python_sources(sources=["**/*.py"])\n',
        # Both fixers change it: `-> None` for `setup`, and a relative import for `shop.util`.
        "src/shop/__init__.py": (
            "from shop.util import money\n\n\ndef setup():\n    print(money(1))\n"
        ),
        "src/shop/util.py": "def money(cents: int) -> str:\n    return f'{cents / 100:.2f}'\n",
        "src/shop/models/__init__.py": "",
        "src/shop/models/order.py": (
            "import shop.models.base as base\n\n\ndef total():\n    print(base.RATE)\n"
        ),
        "src/shop/models/base.py": "RATE = 3\n",
    }
    repo = E2ERepo.create(
        tmp_path,
        files,
        # Registered first, the annotations fixer runs first on each batch.
        backends=("pants.backend.python", "pants_hygiene.annotations", "pants_hygiene.imports"),
        source_roots=("/src",),
    )

    fix = repo.pants("fix", "::")

    assert fix.exit_code == 0, fix.stderr
    assert repo.read("src/shop/__init__.py") == (
        "from .util import money\n\n\ndef setup() -> None:\n    print(money(1))\n"
    )
    assert repo.read("src/shop/models/order.py") == (
        "from . import base as base\n\n\ndef total() -> None:\n    print(base.RATE)\n"
    )
    again = repo.pants("lint", "::")
    assert again.exit_code == 0, again.stderr
