from __future__ import annotations

from textwrap import dedent
from typing import List, Optional, Tuple

import pytest
from pants.backend.python.target_types import PythonTestUtilsGeneratorTarget
from pants.testutil.python_rule_runner import PythonRuleRunner

from pants_hygiene.annotations import register
from pants_hygiene.annotations.rules import AnnotationsLintRequest
from tests.pants_hygiene.plugin_testing import python_lint_rule_runner, run_fix, run_lint

SOURCE = dedent(
    """\
    import pytest


    def load(path):
        return open(path).read()


    def log(message):  # says why
        print(message)


    @pytest.fixture
    def client():
        yield object()


    def test_load():
        assert load


    def legacy(x):  # noqa: HA101
        print(x)
    """
)


@pytest.fixture
def rule_runner() -> PythonRuleRunner:
    return python_lint_rule_runner(
        register.rules(), AnnotationsLintRequest, [PythonTestUtilsGeneratorTarget]
    )


def lint(
    rule_runner: PythonRuleRunner, *args: str, batch_size: Optional[int] = None
) -> Tuple[int, str]:
    return run_lint(rule_runner, AnnotationsLintRequest, ["src/app"], *args, batch_size=batch_size)


def fix(rule_runner: PythonRuleRunner, *args: str) -> int:
    return run_fix(rule_runner, "hygiene-annotations", *args, "src/app::")


def test_lint_reports_every_unannotated_function_with_path_line_and_code(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files({"src/app/BUILD": "python_sources()", "src/app/mod.py": SOURCE})
    assert lint(rule_runner) == (
        1,
        dedent(
            """\
        src/app/mod.py:4:1: HA101 Missing return annotation for function `load`
        src/app/mod.py:8:1: HA101 Missing return annotation for function `log` [*]
        src/app/mod.py:13:1: HA101 Missing return annotation for function `client`
        src/app/mod.py:17:1: HA101 Missing return annotation for function `test_load` [*]
        Found 4 findings (2 fixable with `pants fix`, marked [*]).
        """
        ),
    )


def test_skip_field_and_parameter_code(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files(
        {
            "src/app/BUILD": "python_sources(name='checked', sources=['mod.py'])\n"
            "python_sources(name='skipped', sources=['legacy.py'], skip_return_annotations=True)",
            "src/app/mod.py": "def f(x) -> None:\n    print(x)\n",
            "src/app/legacy.py": "def g(y):\n    print(y)\n",
        }
    )
    assert lint(rule_runner) == (0, "")
    assert lint(rule_runner, "--hygiene-annotations-select=['HA101','HA102']") == (
        1,
        "src/app/mod.py:1:7: HA102 Missing type annotation for parameter `x` in function `f`\n"
        "Found 1 finding.\n",
    )


def test_fix_adds_none_only_where_safe_and_is_idempotent(rule_runner: PythonRuleRunner) -> None:
    rule_runner.write_files({"src/app/BUILD": "python_sources()", "src/app/mod.py": SOURCE})
    assert fix(rule_runner) == 0
    fixed = rule_runner.read_file("src/app/mod.py")
    assert fixed == SOURCE.replace("def log(message):", "def log(message) -> None:").replace(
        "def test_load():", "def test_load() -> None:"
    )
    assert fix(rule_runner) == 0
    assert rule_runner.read_file("src/app/mod.py") == fixed


def test_a_syntax_error_is_reported_and_the_rest_of_the_batch_checked(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files(
        {
            "src/app/BUILD": "python_sources()",
            "src/app/bad.py": "def f(:\n",
            "src/app/good.py": "def g():\n    pass\n",
            "src/app/new_syntax.py": "def h[T](x: T):\n    match x:\n        case _:\n            print(x)\n",
        }
    )
    exit_code, stdout = lint(rule_runner)
    assert exit_code == 1
    assert "src/app/bad.py:1:7: HA100 Cannot check file: syntax error" in stdout
    assert "src/app/good.py:1:1: HA101 Missing return annotation for function `g`" in stdout
    assert "src/app/new_syntax.py:1:1: HA101 Missing return annotation for function `h`" in stdout


FIXTURE_CHAIN = {
    "tests/BUILD": "python_test_utils(name='utils')",
    "tests/conftest.py": dedent(
        """\
        from decimal import Decimal

        import pytest


        @pytest.fixture
        def amount() -> Decimal:
            return Decimal(1)
        """
    ),
    "tests/unit/BUILD": "python_tests()",
    # No target owns it, so pytest under Pants never loads it: the checker must not see it.
    "tests/unit/conftest.py": "import pytest\n\n@pytest.fixture\ndef amount() -> str:\n    return ''\n",
    "tests/unit/test_amount.py": "def test_amount(amount, tmp_path) -> None:\n    assert amount\n",
}
SELECT_HA103 = "--hygiene-annotations-select=['HA101','HA103']"


def test_a_test_sees_the_fixtures_of_the_owned_conftests_above_it(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files(FIXTURE_CHAIN)
    # Only the test's target is linted: the conftest reaches the checker as context.
    assert run_lint(rule_runner, AnnotationsLintRequest, ["tests/unit"], SELECT_HA103) == (
        1,
        dedent(
            """\
            tests/unit/test_amount.py:1:17: HA103 Missing type annotation for fixture `amount` in function `test_amount` [*]
            tests/unit/test_amount.py:1:25: HA103 Missing type annotation for fixture `tmp_path` in function `test_amount` [*]
            Found 2 findings (2 fixable with `pants fix`, marked [*]).
            """
        ),
    )
    # Off by default.
    assert run_lint(rule_runner, AnnotationsLintRequest, ["tests/unit"]) == (0, "")


def test_fix_annotates_fixture_parameters_from_the_conftest_chain(
    rule_runner: PythonRuleRunner,
) -> None:
    rule_runner.write_files(FIXTURE_CHAIN)
    assert run_fix(rule_runner, "hygiene-annotations", SELECT_HA103, "tests/unit::") == 0
    assert rule_runner.read_file("tests/unit/test_amount.py") == dedent(
        """\
        from decimal import Decimal
        from pathlib import Path

        def test_amount(amount: Decimal, tmp_path: Path) -> None:
            assert amount
        """
    )
    assert run_lint(rule_runner, AnnotationsLintRequest, ["tests"], SELECT_HA103) == (0, "")


@pytest.mark.parametrize("batch_size", [1, 2])
def test_findings_and_fixes_do_not_depend_on_the_batch(
    rule_runner: PythonRuleRunner, batch_size: int
) -> None:
    files = {
        "src/app/BUILD": "python_sources()",
        "src/app/mod.py": SOURCE,
        "src/app/annotated.py": "def f() -> int:\n    return 1\n",
        "src/app/other.py": "def g():\n    print(1)\n",
    }
    rule_runner.write_files(files)
    _, whole = lint(rule_runner)
    _, batched = lint(rule_runner, batch_size=batch_size)
    assert sorted(_finding_lines(batched)) == sorted(_finding_lines(whole))
    assert len(_finding_lines(whole)) == 5

    # Only the files with a fixable finding change; the others come back byte for byte.
    assert fix(rule_runner, f"--batch-size={batch_size}") == 0
    assert rule_runner.read_file("src/app/other.py") == "def g() -> None:\n    print(1)\n"
    assert rule_runner.read_file("src/app/annotated.py") == files["src/app/annotated.py"]
    assert "def log(message) -> None:" in rule_runner.read_file("src/app/mod.py")


def _finding_lines(stdout: str) -> List[str]:
    return [line for line in stdout.splitlines() if ": HA" in line]
