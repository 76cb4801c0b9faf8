from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

import pytest
from pants.backend.python.target_types import PythonSourceTarget
from pants.testutil.python_rule_runner import PythonRuleRunner
from pants.util.frozendict import FrozenDict

from monorepo_hygiene.imports import FileFacts
from pants_hygiene.imports import register
from pants_hygiene.imports.rules import ImportFactsMetadata, ImportsLintRequest
from tests.pants_hygiene.plugin_testing import (
    lint_partitions,
    python_lint_rule_runner,
    run_fix,
    run_lint,
)


@pytest.fixture
def rule_runner() -> PythonRuleRunner:
    # `python_source` too: a target owning one file names it in its address differently.
    return python_lint_rule_runner(register.rules(), ImportsLintRequest, [PythonSourceTarget])


ROOTS = ("--source-root-patterns=['/src', '/tests', '/libs/*/src']",)


def lint(
    rule_runner: PythonRuleRunner, *args: str, batch_size: Optional[int] = None
) -> Tuple[int, str]:
    return run_lint(rule_runner, ImportsLintRequest, [""], *ROOTS, *args, batch_size=batch_size)


def fix(rule_runner: PythonRuleRunner, *args: str) -> int:
    return run_fix(rule_runner, "hygiene-imports", *args, "::")


def finding_lines(stdout: str) -> Dict[str, str]:
    """`path:line:col` -> `CODE` for each finding line."""
    return {
        line.split(": ")[0]: line.split(": ")[1].split(" ")[0]
        for line in stdout.splitlines()
        if ": HI" in line
    }


SHOP_AND_BILLING = {
    "src/shop/BUILD": 'python_sources(sources=["**/*.py"])',
    "src/shop/__init__.py": "",
    "src/shop/models/__init__.py": "",
    "src/shop/models/user.py": "import os\nfrom shop.util import slug\n",
    "src/shop/util.py": "from .models import user\nfrom billing.api import charge\n",
    "src/billing/BUILD": 'python_sources(sources=["**/*.py"])',
    "src/billing/__init__.py": "",
    "src/billing/api.py": "from ..shop import util\ndef charge() -> None: ...\n",
}


def test_one_build_per_package_root_owns_the_subtree(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(SHOP_AND_BILLING)
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    assert finding_lines(stdout) == {
        "src/shop/models/user.py:2:1": "HI101",
        "src/billing/api.py:1:1": "HI104",
    }
    assert (
        "src/shop/models/user.py:2:1: HI101 Use a relative import for `shop.util`, owned by the "
        "same BUILD file (`src/shop/BUILD`)"
        " (policy `relative-within-build`: relative at any depth) [*]"
    ) in stdout

    assert fix(rule_runner) == 0
    assert (
        rule_runner.read_file("src/shop/models/user.py") == "import os\nfrom ..util import slug\n"
    )
    # Climbing above the source root can only mean the one first-party `shop.util`.
    assert rule_runner.read_file("src/billing/api.py").startswith("from shop import util\n")
    assert lint(rule_runner) == (0, "")


def test_one_build_per_directory_makes_sibling_directories_absolute(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "src/shop/BUILD": "python_sources()",
            "src/shop/__init__.py": "",
            "src/shop/helpers.py": "",
            "src/shop/api.py": "from .models.user import User  # the model\nfrom .helpers import h\n",
            "src/shop/models/BUILD": "python_sources()",
            "src/shop/models/__init__.py": "",
            "src/shop/models/user.py": "class User: ...\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, finding_lines(stdout)) == (1, {"src/shop/api.py:1:1": "HI102"})
    assert fix(rule_runner) == 0
    assert rule_runner.read_file("src/shop/api.py") == (
        "from shop.models.user import User  # the model\nfrom .helpers import h\n"
    )
    assert lint(rule_runner) == (0, "")


def test_nested_build_inside_a_recursive_glob_is_its_own_subtree(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "src/shop/BUILD": 'python_sources(sources=["**/*.py", "!legacy/**"])',
            "src/shop/__init__.py": "",
            "src/shop/core.py": "from shop.legacy.old import thing\n",
            "src/shop/legacy/BUILD": "python_sources()",
            "src/shop/legacy/__init__.py": "",
            "src/shop/legacy/old.py": "from ..core import x\nthing = 1\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, finding_lines(stdout)) == (1, {"src/shop/legacy/old.py:1:1": "HI102"})


def test_several_source_roots_namespace_packages_and_tests(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(
        {
            # A namespace package (no __init__.py) under a second source root.
            "libs/acme/src/acme/tools/BUILD": 'python_sources(sources=["**/*.py"])',
            "libs/acme/src/acme/tools/fmt.py": "from acme.tools.text import wrap\n",
            "libs/acme/src/acme/tools/text.py": "def wrap() -> None: ...\n",
            "tests/tools/BUILD": "python_tests()",
            "tests/tools/test_fmt.py": "from acme.tools.fmt import wrap\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, finding_lines(stdout)) == (
        1,
        {"libs/acme/src/acme/tools/fmt.py:1:1": "HI101"},
    )
    assert fix(rule_runner) == 0
    assert rule_runner.read_file("libs/acme/src/acme/tools/fmt.py") == "from .text import wrap\n"


def test_absolute_policy_and_per_target_override(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(
        {
            "src/shop/BUILD": 'python_sources(sources=["**/*.py"])',
            "src/shop/__init__.py": "",
            "src/shop/a.py": "from .b import x\n",
            "src/shop/b.py": "x = 1\n",
            "src/pay/BUILD": 'python_sources(sources=["**/*.py"], import_policy="relative-within-build")',
            "src/pay/__init__.py": "",
            "src/pay/a.py": "from .b import x\n",
            "src/pay/b.py": "x = 1\n",
            "src/legacy/BUILD": "python_sources(skip_import_style=True)",
            "src/legacy/__init__.py": "",
            "src/legacy/a.py": "from .b import x\n",
            "src/legacy/b.py": "x = 1\n",
        }
    )
    exit_code, stdout = lint(rule_runner, "--hygiene-imports-policy=absolute")
    assert (exit_code, finding_lines(stdout)) == (1, {"src/shop/a.py:1:1": "HI103"})
    assert fix(rule_runner, "--hygiene-imports-policy=absolute") == 0
    assert rule_runner.read_file("src/shop/a.py") == "from shop.b import x\n"
    assert rule_runner.read_file("src/pay/a.py") == "from .b import x\n"


def test_syntax_errors_are_reported_per_file(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(
        {
            "src/shop/BUILD": 'python_sources(sources=["**/*.py"])',
            "src/shop/__init__.py": "",
            "src/shop/bad.py": "from shop import (\n",
            "src/shop/good.py": "from shop.bad import x\n",
        }
    )
    # The column of a syntax error is the checkers' CPython's; pinned, as 3.9 places it.
    exit_code, stdout = lint(rule_runner, "--hygiene-tool-interpreter-version=3.9")
    assert (exit_code, finding_lines(stdout)) == (
        1,
        {"src/shop/bad.py:1:19": "HI100", "src/shop/good.py:1:1": "HI101"},
    )


def test_test_files_default_to_absolute_imports(rule_runner: PythonRuleRunner) -> None:
    # pytest imports `test_util.py` as a top-level module: `from .helpers` would fail to import.
    rule_runner.write_files(
        {
            "tests/util/BUILD": "python_tests()\npython_sources(name='helpers')",
            "tests/util/helpers.py": "X = 1\n",
            "tests/util/test_util.py": "from .helpers import X\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, finding_lines(stdout)) == (1, {"tests/util/test_util.py:1:1": "HI103"})
    assert lint(rule_runner, "--hygiene-imports-test-policy=relative-within-build") == (0, "")


def test_files_alembic_loads_by_path_want_absolute_imports(rule_runner: PythonRuleRunner) -> None:
    # One BUILD owns the models and both Alembic directories: `script_location` in the package
    # form, and a second migrations directory named only by `version_locations`.
    rule_runner.write_files(
        {
            "alembic.ini": (
                "[alembic]\nscript_location = shop.db:migrations\n"
                "version_locations = %(here)s/src/shop/db/migrations/versions "
                "%(here)s/src/shop/db/more_versions\n"
            ),
            "src/shop/BUILD": 'python_sources(sources=["**/*.py"])',
            "src/shop/__init__.py": "",
            "src/shop/models.py": "from shop.db import engine\nBase = object\n",
            "src/shop/db/__init__.py": "engine = None\n",
            "src/shop/db/migrations/env.py": "from shop.models import Base\nfrom .. import db\n",
            "src/shop/db/migrations/versions/0001_items.py": "from shop.models import Base\n",
            # A package the migrations import as a module: Alembic loads nothing of it by path.
            "src/shop/db/migrations/shared/__init__.py": "",
            "src/shop/db/migrations/shared/util.py": "from . import helpers\n",
            "src/shop/db/migrations/shared/helpers.py": "",
            "src/shop/db/more_versions/a1b2_stock.py": (
                "from shop.models import Base\nfrom ...models import Base as B\n"
            ),
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, finding_lines(stdout)) == (
        1,
        {
            "src/shop/models.py:1:1": "HI101",
            "src/shop/db/migrations/env.py:2:1": "HI106",
            "src/shop/db/more_versions/a1b2_stock.py:2:1": "HI106",
        },
    )
    assert (
        "src/shop/db/migrations/env.py:2:1: HI106 Relative import `..` fails in a file loaded by "
        "path (Alembic loads it by path (`alembic.ini`)): use `shop.db` [*]"
    ) in stdout

    assert fix(rule_runner) == 0
    assert rule_runner.read_file("src/shop/models.py") == "from .db import engine\nBase = object\n"
    assert rule_runner.read_file("src/shop/db/migrations/env.py") == (
        "from shop.models import Base\nfrom shop.db import db\n"
    )
    assert rule_runner.read_file("src/shop/db/more_versions/a1b2_stock.py") == (
        "from shop.models import Base\nfrom shop.models import Base as B\n"
    )
    assert lint(rule_runner) == (0, "")


def test_a_file_libcst_cannot_rewrite_is_reported_without_a_fix(
    rule_runner: PythonRuleRunner,
) -> None:
    # Alone in its batch: before, lint promised `[*]` and fix silently changed nothing.
    rule_runner.write_files(
        {
            "src/shop/BUILD": 'python_sources(sources=["**/*.py"])',
            "src/shop/__init__.py": "",
            "src/shop/util.py": "X = 1\n",
            # A form feed starting a line, which libcst drops, and a `from` part continued
            # over two lines, which the text edit leaves to libcst.
            "src/shop/feed.py": "\x0cfrom shop.util \\\n    import X\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    assert stdout.splitlines() == [
        "src/shop/feed.py:1:1: HI105 Cannot fix file: libcst doesn't reproduce it exactly "
        "(a form feed starting a line?)",
        "src/shop/feed.py:1:2: HI101 Use a relative import for `shop.util`, owned by the same "
        "BUILD file (`src/shop/BUILD`) (policy `relative-within-build`: relative at any depth)",
        "Found 2 findings.",
    ]


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_findings_and_fixes_do_not_depend_on_the_batch(
    rule_runner: PythonRuleRunner, batch_size: int
) -> None:
    rule_runner.write_files(SHOP_AND_BILLING)
    _, whole = lint(rule_runner)
    _, batched = lint(rule_runner, batch_size=batch_size)
    # Whole lines: whether a finding is fixable ([*]) must not depend on the batch either.
    assert sorted(_finding_texts(batched)) == sorted(_finding_texts(whole))
    assert len(_finding_texts(whole)) == 2

    # The fixer rewrites the files with a fixable finding and gives the others back unchanged.
    assert fix(rule_runner, f"--batch-size={batch_size}") == 0
    assert (
        rule_runner.read_file("src/shop/models/user.py") == "import os\nfrom ..util import slug\n"
    )
    assert rule_runner.read_file("src/billing/api.py").startswith("from shop import util\n")
    assert rule_runner.read_file("src/shop/util.py") == SHOP_AND_BILLING["src/shop/util.py"]
    assert lint(rule_runner, batch_size=batch_size) == (0, "")


def _finding_texts(stdout: str) -> List[str]:
    return [line for line in stdout.splitlines() if ": HI" in line]


@pytest.mark.parametrize("batch_size", [1, 128])
def test_import_as_is_fixed_only_where_the_packages_init_binds_no_such_name(
    rule_runner: PythonRuleRunner, batch_size: int
) -> None:
    # `pkg`'s `__init__` binds `logging` (the stdlib's), so `from . import logging as lg` would
    # take that; `other`'s binds nothing of the kind. The `__init__`s reach the checker whichever
    # batch they are in (batch size 1: never the importer's).
    rule_runner.write_files(
        {
            "src/BUILD": 'python_sources(sources=["**/*.py"])',
            "src/pkg/__init__.py": "import logging\n",
            "src/pkg/logging.py": "NAME = 1\n",
            "src/pkg/app.py": "import pkg.logging as lg\n",
            "src/other/__init__.py": "import os\n",
            "src/other/logging.py": "NAME = 1\n",
            "src/other/app.py": "import other.logging as lg\n",
        }
    )
    _, stdout = lint(rule_runner, batch_size=batch_size)
    assert _finding_texts(stdout) == [
        "src/other/app.py:1:1: HI101 Use a relative import for `other.logging`, owned by the same "
        "BUILD file (`src/BUILD`) (policy `relative-within-build`: relative at any depth) [*]",
        "src/pkg/app.py:1:1: HI101 Use a relative import for `pkg.logging`, owned by the same "
        "BUILD file (`src/BUILD`) (policy `relative-within-build`: relative at any depth); "
        "not fixable: `src/pkg/__init__.py` binds `logging` itself",
    ]
    fix(rule_runner, f"--batch-size={batch_size}")
    assert rule_runner.read_file("src/other/app.py") == "from . import logging as lg\n"
    assert rule_runner.read_file("src/pkg/app.py") == "import pkg.logging as lg\n"


# --- The repo's ruff configuration (issue 23) ---

DEEP_PACKAGE = {
    "src/shop/BUILD": 'python_sources(sources=["**/*.py"])',
    "src/shop/__init__.py": "",
    "src/shop/util.py": "x = 1\n",
    "src/shop/models/__init__.py": "",
    "src/shop/models/base.py": "y = 1\n",
    "src/shop/models/user.py": "from ..util import x\nfrom shop.models.base import y\n",
    "pyproject.toml": '[project]\nname = "shop"\n\n[tool.ruff.lint]\nextend-select = ["TID252"]\n',
}


def test_the_default_policy_follows_ruffs_tid252(
    rule_runner: PythonRuleRunner, caplog: pytest.LogCaptureFixture
) -> None:
    rule_runner.write_files(DEEP_PACKAGE)
    exit_code, stdout = lint(rule_runner)
    assert (exit_code, finding_lines(stdout)) == (
        1,
        {"src/shop/models/user.py:1:1": "HI103", "src/shop/models/user.py:2:1": "HI101"},
    )
    assert "relative-within-build-no-parents" in stdout
    assert fix(rule_runner) == 0
    assert rule_runner.read_file("src/shop/models/user.py") == (
        "from shop.util import x\nfrom .base import y\n"
    )
    assert "ruff" not in caplog.text


def test_follow_ruff_off_keeps_the_any_depth_policy(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(DEEP_PACKAGE)
    exit_code, stdout = lint(rule_runner, "--no-hygiene-imports-follow-ruff")
    assert (exit_code, finding_lines(stdout)) == (1, {"src/shop/models/user.py:2:1": "HI101"})


def test_an_explicit_policy_ruff_contradicts_is_obeyed_and_reported_once(
    rule_runner: PythonRuleRunner, caplog: pytest.LogCaptureFixture
) -> None:
    rule_runner.write_files(DEEP_PACKAGE)
    exit_code, stdout = lint(rule_runner, "--hygiene-imports-policy=relative-within-build")
    assert (exit_code, finding_lines(stdout)) == (1, {"src/shop/models/user.py:2:1": "HI101"})
    warnings = [r.getMessage() for r in caplog.records if "TID252" in r.getMessage()]
    assert warnings == [
        '`[hygiene-imports].policy = "relative-within-build"` (the command line) asks for '
        "relative imports from parent packages (`from ..x`), which ruff's TID252 with "
        '`ban-relative-imports = "parents"` (TID252 selected by `lint.extend-select` '
        "(pyproject.toml:5); `lint.flake8-tidy-imports.ban-relative-imports` unset: ruff's "
        "default) reports. The explicit setting is obeyed, so `pants fix` writes imports ruff "
        'rejects: set `"relative-within-build-no-parents"` (or remove the setting, to follow '
        "ruff), or change ruff's."
    ]


def test_an_unreadable_ruff_config_is_an_error_naming_file_and_line(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files({**DEEP_PACKAGE, "ruff.toml": "[lint]\nselect = [\n'TID' 'ANN']\n"})
    with pytest.raises(Exception) as error:
        lint(rule_runner)
    # The line is the TOML reader's: tomllib/tomli say 3, the `toml` of Pants 2.17's venv 2.
    assert re.search(
        r"Cannot read the repo's ruff configuration: ruff\.toml:[23]: not valid TOML",
        str(error.value),
    )


# Two source roots, one BUILD file per package subtree and one per directory, a namespace package
# owned from two BUILD files, a stub beside its module, a package `__init__` owned by a target of
# its own, and a test: every way a module gets its owner.
SCOPED_REPO = {
    **SHOP_AND_BILLING,
    "src/shop/models/user.pyi": "",
    "src/shop/api.py": "import shop.models.user as u\nfrom shop.models import user\n",
    "src/pay/BUILD": "python_sources()\npython_source(name='init', source='__init__.py')",
    "src/pay/__init__.py": "VERSION = 1\n",
    "src/pay/core.py": "from pay import VERSION\nimport pay.core as c\nfrom .. import shop\n",
    "libs/acme/src/acme/tools/BUILD": 'python_sources(sources=["**/*.py"])',
    "libs/acme/src/acme/tools/fmt.py": "from acme.tools.text import wrap\nfrom acme import other\n",
    "libs/acme/src/acme/tools/text.py": "def wrap() -> None: ...\n",
    "libs/acme/src/acme/other/BUILD": "python_sources()",
    "libs/acme/src/acme/other/__init__.py": "",
    "tests/tools/BUILD": "python_tests()",
    "tests/tools/test_fmt.py": "from acme.tools.fmt import wrap\nfrom acme.tools import text\n",
}


def test_facts_of_a_few_files_give_the_findings_of_the_whole_repos(
    rule_runner: PythonRuleRunner,
) -> None:
    """A lint of a few files (CI's `--changed-since`) asks Pants only about the modules they
    import; each directory linted that way has the findings of the whole module map."""
    rule_runner.write_files(SCOPED_REPO)
    directories = sorted({path.rpartition("/")[0] for path in SCOPED_REPO if path.endswith(".py")})
    for directory in directories:
        scoped = run_lint(rule_runner, ImportsLintRequest, [directory], *ROOTS)
        whole = run_lint(
            rule_runner,
            ImportsLintRequest,
            [directory],
            *ROOTS,
            "--hygiene-tool-scoped-facts-max-files=0",
        )
        assert scoped == whole, directory
    _, everything = lint(rule_runner)
    assert finding_lines(everything) == {
        "src/shop/api.py:1:1": "HI101",
        "src/shop/api.py:2:1": "HI101",
        "src/shop/models/user.py:2:1": "HI101",
        "src/billing/api.py:1:1": "HI104",
        "src/pay/core.py:1:1": "HI101",
        "src/pay/core.py:2:1": "HI101",
        "src/pay/core.py:3:1": "HI104",
        "libs/acme/src/acme/tools/fmt.py:1:1": "HI101",
    }


def test_scoped_facts_hold_only_what_the_files_import(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(SCOPED_REPO)
    owners = {
        setting: sorted(
            module
            for partition in lint_partitions(
                rule_runner,
                ImportsLintRequest,
                ["src/shop/models"],
                *ROOTS,
                f"--hygiene-tool-scoped-facts-max-files={setting}",
            )
            for module in partition.metadata.module_owners
        )
        for setting in ("200", "0")
    }
    # `user.py` imports `os` and `shop.util`: the owners of those and their packages.
    assert owners["200"] == ["shop", "shop.util"]
    assert "billing.api" in owners["0"] and "acme.tools.text" in owners["0"]


def test_partition_metadata_is_compared_by_a_fingerprint_of_its_facts() -> None:
    def metadata(owner: str) -> ImportFactsMetadata:
        return ImportFactsMetadata(
            resolve="python-default",
            file_facts=FrozenDict({"src/a/b.py": FileFacts("a.b", False, "src/a")}),
            module_owners=FrozenDict({"a.b": "src/a", "c": owner}),
            package_inits=FrozenDict({"a": "src/a/__init__.py"}),
        )

    same, again, other = metadata("src/c"), metadata("src/c"), metadata("src/d")
    assert same is not again and (same, hash(same)) == (again, hash(again))
    assert same != other and same.fingerprint != other.fingerprint
