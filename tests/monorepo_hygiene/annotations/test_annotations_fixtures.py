"""HA103: fixture parameters of tests and fixtures, resolved as pytest resolves them, fixed from
the fixture's own return annotation. Trees of files in memory, checked and fixed as a batch
(each file sees the conftest.py files above it through the batch's `read`)."""

from __future__ import annotations

import difflib
import textwrap
from typing import Callable, Dict, List

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.annotations import AnnotationOptions, check, check_files, fix_files
from monorepo_hygiene.annotations.check import Conftests, FixturePlan
from monorepo_hygiene.annotations.fix import fix_source
from monorepo_hygiene.annotations.fixtures import FixtureModule

HA103 = AnnotationOptions(select=frozenset({"HA103"}))
Tree = Dict[str, str]


def _reader(tree: Dict[str, bytes]) -> Callable[[str], bytes]:
    def read(path: str) -> bytes:
        if path not in tree:
            raise FileNotFoundError(2, "No such file or directory", path)
        return tree[path]

    return read


def _encode(tree: Tree) -> Dict[str, bytes]:
    return {path: textwrap.dedent(text).lstrip("\n").encode() for path, text in tree.items()}


def report(tree: Tree, path: str, options: AnnotationOptions = HA103) -> List[str]:
    files = _encode(tree)
    result = check_files([path], _reader(files), options)
    assert not [finding for finding in result.findings if finding.code in ("HA100", "HA105")]
    return [finding.render() for finding in result.findings]


def fixed(tree: Tree, path: str, options: AnnotationOptions = HA103) -> str:
    """The file after `fix_files`; fixing it again changes nothing."""
    files = _encode(tree)

    def write(written_path: str, content: bytes) -> None:
        files[written_path] = content

    result = fix_files([path], _reader(files), write, options)
    assert not [finding for finding in result.findings if finding.code in ("HA100", "HA105")]
    again = fix_files([path], _reader(files), write, options)
    assert again.fixed == {}
    return files[path].decode()


CONFTEST = """
    from decimal import Decimal
    from typing import Iterator

    import pytest


    @pytest.fixture
    def amount() -> Decimal:
        return Decimal(1)


    @pytest.fixture
    def amounts() -> Iterator[Decimal]:
        yield Decimal(2)
"""


def test_a_test_sees_fixtures_of_every_conftest_above_it_and_of_its_module() -> None:
    tree = {
        "tests/conftest.py": CONFTEST,
        "tests/unit/conftest.py": """
            import pytest

            @pytest.fixture
            def name() -> str:
                return "n"
            """,
        "tests/unit/deep/test_it.py": """
            import pytest

            @pytest.fixture
            def count() -> int:
                return 1

            def test_it(amount, amounts, name, count, tmp_path, other=1) -> None:
                pass
            """,
    }
    assert fixed(tree, "tests/unit/deep/test_it.py") == textwrap.dedent(
        """\
        import pytest
        from decimal import Decimal
        from pathlib import Path

        @pytest.fixture
        def count() -> int:
            return 1

        def test_it(amount: Decimal, amounts: Decimal, name: str, count: int, tmp_path: Path, other=1) -> None:
            pass
        """
    )


def test_a_sibling_directory_s_conftest_is_out_of_sight() -> None:
    tree = {
        "tests/a/conftest.py": CONFTEST,
        "tests/b/test_it.py": "def test_it(amount) -> None:\n    pass\n",
    }
    assert report(tree, "tests/b/test_it.py") == []


def test_the_nearest_definition_wins_and_a_fixture_may_request_the_one_it_overrides() -> None:
    tree = {
        "tests/conftest.py": CONFTEST,
        "tests/test_it.py": """
            import pytest

            @pytest.fixture
            def amount(amount) -> int:
                return int(amount)

            def test_it(amount) -> None:
                pass
            """,
    }
    assert fixed(tree, "tests/test_it.py") == textwrap.dedent(
        """\
        import pytest
        from decimal import Decimal

        @pytest.fixture
        def amount(amount: Decimal) -> int:
            return int(amount)

        def test_it(amount: int) -> None:
            pass
        """
    )


def test_a_conftest_fixture_s_own_parameters_are_reported_without_fix() -> None:
    # tests/unit/conftest.py may override `amount` with a `str`, and pytest then hands that to
    # `total` for the tests under tests/unit: no annotation written here could be right for all.
    tree = {
        "tests/conftest.py": CONFTEST,
        "tests/api/conftest.py": """
            import pytest

            @pytest.fixture
            def total(amount, tmp_path) -> int:
                return int(amount)
            """,
    }
    found = [line.split(": ", 1)[1] for line in report(tree, "tests/api/conftest.py")]
    assert found == [
        f"HA103 Missing type annotation for fixture `{name}` in function `total` (no fix: a "
        f"conftest or test module below may override `{name}` with another type)"
        for name in ("amount", "tmp_path")
    ]
    unchanged = textwrap.dedent(tree["tests/api/conftest.py"]).lstrip("\n")
    assert fixed(tree, "tests/api/conftest.py") == unchanged


def test_generator_fixtures_give_what_they_yield() -> None:
    tree = {
        "conftest.py": """
            import collections.abc
            import typing
            from typing import AsyncIterator, Generator

            import pytest

            @pytest.fixture
            def a() -> Generator[bytes, None, None]:
                yield b""

            @pytest.fixture
            async def b() -> AsyncIterator[float]:
                yield 1.0

            @pytest.fixture
            def c() -> "typing.Iterator[int]":
                yield 1

            @pytest.fixture
            def d() -> collections.abc.Iterator["str"]:
                yield ""

            @pytest.fixture
            def e() -> typing.Iterator[int]:
                return iter([1])  # No `yield`: the test receives the iterator itself.
            """,
        "test_it.py": "def test_it(a, b, c, d, e) -> None:\n    pass\n",
    }
    assert fixed(tree, "test_it.py") == (
        "import typing\n\n"
        "def test_it(a: bytes, b: float, c: int, d: str, e: typing.Iterator[int]) -> None:\n"
        "    pass\n"
    )


def test_fixture_names_methods_and_classes() -> None:
    tree = {
        "test_it.py": """
            import pytest

            @pytest.fixture(name="client")
            def _client_fixture() -> bytes:
                return b""

            class TestIt:
                @pytest.fixture
                def local(self, client) -> str:
                    return ""

                def test_it(self, client, local) -> None:
                    pass

            def test_out(local) -> None:
                pass
            """,
    }
    # `local` is the class's: a test outside it doesn't see it (HA102 would report it).
    assert report(tree, "test_it.py") == [
        "test_it.py:9:21: HA103 Missing type annotation for fixture `client` in function "
        "`local` [*]",
        "test_it.py:12:23: HA103 Missing type annotation for fixture `client` in function "
        "`test_it` [*]",
        "test_it.py:12:31: HA103 Missing type annotation for fixture `local` in function "
        "`test_it` [*]",
    ]


def test_parametrized_names_are_not_fixtures_unless_indirect() -> None:
    tree = {
        "conftest.py": CONFTEST,
        "test_it.py": """
            import pytest

            pytestmark = pytest.mark.parametrize("amounts", [1])

            @pytest.mark.parametrize("amount", [1])
            def test_direct(amount, amounts) -> None:
                pass

            @pytest.mark.parametrize("amount", [1], indirect=True)
            def test_indirect(amount) -> None:
                pass

            @pytest.mark.parametrize(("amount", "x"), [(1, 2)], indirect=["amount"])
            def test_indirect_list(amount, x) -> None:
                pass

            @pytest.mark.usefixtures("amount")
            def test_uses(tmp_path) -> None:
                pass
            """,
    }
    assert [line.split(": ", 1)[1] for line in report(tree, "test_it.py")] == [
        "HA103 Missing type annotation for fixture `amount` in function `test_indirect` [*]",
        "HA103 Missing type annotation for fixture `amount` in function `test_indirect_list` [*]",
        "HA103 Missing type annotation for fixture `tmp_path` in function `test_uses` [*]",
    ]


def test_a_fixture_parameter_a_test_parametrizes_is_reported_without_fix() -> None:
    tree = {
        "conftest.py": CONFTEST,
        "test_it.py": """
            import pytest

            @pytest.fixture
            def doubled(amount) -> int:
                return 2 * amount

            @pytest.mark.parametrize("amount", [1])
            def test_it(doubled: int) -> None:
                pass
            """,
    }
    assert report(tree, "test_it.py") == [
        "test_it.py:4:13: HA103 Missing type annotation for fixture `amount` in function "
        "`doubled` (no fix: a test parametrizes `amount`)"
    ]


def test_pytest_generate_tests_in_the_chain_blocks_the_fix_for_what_it_parametrizes() -> None:
    tree = {
        "conftest.py": CONFTEST
        + """
    def pytest_generate_tests(metafunc):
        metafunc.parametrize("amount", [1])
        """,
        "test_it.py": "def test_it(amount, amounts) -> None:\n    pass\n",
    }
    assert report(tree, "test_it.py") == [
        "test_it.py:1:13: HA103 Missing type annotation for fixture `amount` in function "
        "`test_it` (no fix: a `pytest_generate_tests` hook may parametrize `amount`)",
        "test_it.py:1:21: HA103 Missing type annotation for fixture `amounts` in function "
        "`test_it` [*]",
    ]


def test_never_a_guess() -> None:
    tree = {
        "conftest.py": """
            import sys
            from typing import TYPE_CHECKING

            import pytest

            if TYPE_CHECKING:
                from decimal import Decimal

            class Local:
                pass

            @pytest.fixture
            def untyped():
                return 1

            @pytest.fixture
            def checking_only() -> "Decimal":
                return 1

            @pytest.fixture
            def local() -> Local:
                return Local()

            if sys.version_info >= (3, 11):
                @pytest.fixture
                def twice() -> int:
                    return 1
            else:
                @pytest.fixture
                def twice() -> str:
                    return ""

            @pytest.fixture
            def conflicting() -> Path:
                return Path()

            from pathlib import Path
            """,
        "test_it.py": """
            from mock import patch

            Path = str

            @patch("os.getcwd")
            def test_it(getcwd, untyped, checking_only, local, twice, conflicting, tmpdir) -> None:
                pass
            """,
    }
    assert [line.split("HA103 ")[1] for line in report(tree, "test_it.py")] == [
        "Missing type annotation for fixture `untyped` in function `test_it` (no fix: fixture "
        "`untyped` (conftest.py:13) has no return annotation)",
        "Missing type annotation for fixture `checking_only` in function `test_it` (no fix: "
        "fixture `checking_only` (conftest.py:17): `Decimal` is imported only when "
        "`TYPE_CHECKING`)",
        "Missing type annotation for fixture `local` in function `test_it` (no fix: fixture "
        "`local` (conftest.py:21): `Local` is defined in `conftest.py`, not imported)",
        "Missing type annotation for fixture `twice` in function `test_it` (no fix: fixtures "
        "`twice` of different types (conftest.py:26, 30))",
        "Missing type annotation for fixture `conflicting` in function `test_it` (no fix: "
        "`Path` means something else in this file)",
        "Missing type annotation for fixture `tmpdir` in function `test_it` (no fix: pytest's "
        "`tmpdir` has no public type)",
    ]


def test_a_name_the_test_module_imports_may_be_a_fixture_of_unknown_type() -> None:
    tree = {
        "conftest.py": CONFTEST,
        "test_it.py": "from fixtures import amount\n\ndef test_it(amount) -> None:\n    pass\n",
    }
    assert report(tree, "test_it.py") == [
        "test_it.py:3:13: HA103 Missing type annotation for fixture `amount` in function "
        "`test_it` (no fix: `amount` is also bound in `test_it.py`)"
    ]


def test_an_unparsable_conftest_blocks_fixes_below_it() -> None:
    tree = {
        "conftest.py": CONFTEST,
        "a/conftest.py": "def (:\n",
        "a/test_it.py": "def test_it(amount) -> None:\n    pass\n",
    }
    assert report(tree, "a/test_it.py") == [
        "a/test_it.py:1:13: HA103 Missing type annotation for fixture `amount` in function "
        "`test_it` (no fix: `a/conftest.py` can't be read)"
    ]


def test_relative_imports_are_copied_only_within_the_package() -> None:
    conftest = """
        import pytest

        from .models import User

        @pytest.fixture
        def user() -> User:
            return User()
        """
    test = "def test_it(user) -> None:\n    pass\n"
    tree = {"pkg/conftest.py": conftest, "pkg/test_a.py": test, "pkg/sub/test_b.py": test}
    assert fixed(tree, "pkg/test_a.py") == (
        "from .models import User\n\ndef test_it(user: User) -> None:\n    pass\n"
    )
    assert report(tree, "pkg/sub/test_b.py") == [
        "pkg/sub/test_b.py:1:13: HA103 Missing type annotation for fixture `user` in function "
        "`test_it` (no fix: fixture `user` (pkg/conftest.py:6): `User` is imported relatively, "
        "from another package)"
    ]


def test_postponed_annotations_are_quoted_where_they_would_be_evaluated() -> None:
    tree = {
        "conftest.py": """
            from __future__ import annotations

            from decimal import Decimal

            import pytest

            @pytest.fixture
            def maybe() -> Decimal | None:
                return None

            @pytest.fixture
            def many() -> list[Decimal]:
                return []
            """,
        "test_a.py": "def test_it(maybe, many) -> None:\n    pass\n",
        "test_b.py": "from __future__ import annotations\n\ndef test_it(maybe) -> None:\n    pass\n",
    }
    assert fixed(tree, "test_a.py") == (
        "from decimal import Decimal\n\n"
        'def test_it(maybe: "Decimal | None", many: "list[Decimal]") -> None:\n    pass\n'
    )
    assert fixed(tree, "test_b.py") == (
        "from __future__ import annotations\nfrom decimal import Decimal\n\n"
        "def test_it(maybe: Decimal | None) -> None:\n    pass\n"
    )


def test_imports_merge_into_existing_ones_and_reuse_what_is_there() -> None:
    tree = {
        "conftest.py": """
            import os.path
            from decimal import Decimal, Context

            import pytest

            @pytest.fixture
            def amount() -> Decimal:
                return Decimal(1)

            @pytest.fixture
            def context() -> Context:
                return Context()

            @pytest.fixture
            def sep() -> os.path.sep.__class__:
                return os.path.sep
            """,
        "test_it.py": """
            import os
            from decimal import Decimal

            def test_it(amount, context, sep) -> None:
                pass
            """,
    }
    assert fixed(tree, "test_it.py") == textwrap.dedent(
        """\
        import os
        from decimal import Context, Decimal
        import os.path

        def test_it(amount: Decimal, context: Context, sep: os.path.sep.__class__) -> None:
            pass
        """
    )


def test_noqa_and_select() -> None:
    tree = {
        "conftest.py": CONFTEST,
        "test_it.py": "def test_it(amount, x):  # noqa: HA103\n    pass\n",
        "test_other.py": "def test_it(amount, x) -> None:\n    pass\n",
    }
    assert report(tree, "test_it.py") == []
    # With HA102 too, a fixture parameter gets the more precise HA103 only.
    both = AnnotationOptions(select=frozenset({"HA102", "HA103"}))
    assert report(tree, "test_other.py", both) == [
        "test_other.py:1:13: HA103 Missing type annotation for fixture `amount` in function "
        "`test_it` [*]",
        "test_other.py:1:21: HA102 Missing type annotation for parameter `x` in function `test_it`",
    ]
    assert report(tree, "test_other.py", AnnotationOptions()) == []


def test_only_test_modules_and_conftests_are_checked() -> None:
    tree = {
        "conftest.py": CONFTEST,
        "helpers.py": "import pytest\n\n@pytest.fixture\ndef f(amount) -> int:\n    return 1\n",
        "test_it.py": "def helper(amount) -> None:\n    pass\n",
    }
    assert report(tree, "helpers.py") == []
    assert report(tree, "test_it.py") == []


def test_tmp_path_is_spelled_pathlib_path_where_path_means_something_else() -> None:
    tree = {"test_it.py": "from anyio import Path\n\ndef test_it(tmp_path) -> None:\n    pass\n"}
    assert fixed(tree, "test_it.py") == (
        "from anyio import Path\nimport pathlib\n\n"
        "def test_it(tmp_path: pathlib.Path) -> None:\n    pass\n"
    )


_NOISE = st.binary(max_size=6).map(lambda raw: raw.replace(b"\n", b"").replace(b"\r", b""))
_FRAGMENTS = st.one_of(
    st.just(b"def test_one(amount, tmp_path):\n    print(amount)\n"),
    st.just(b"async def test_two(\n    amounts,  # why\n    capsys,\n) -> None:\n    pass\n"),
    st.just(b"class TestThree:\n    def test_it(self, request, amount):\n        pass\n"),
    st.just(b"@pytest.fixture\ndef local(amount):\n    return amount\n"),
    st.just(b'"""Doc."""\n'),
    st.just(b"import pytest\n"),
    st.just(b"from __future__ import annotations\n"),
    _NOISE.map(lambda raw: b"# " + raw + b"\n"),
    _NOISE.map(lambda raw: b"s = '" + raw.replace(b"'", b"").replace(b"\\", b"") + b"'\n"),
    st.just(b"\x0cz = 2\n"),
    st.just(b"w = 3\x00\n"),
)


@st.composite
def hostile_tests(draw: st.DrawFn) -> bytes:
    body = b"".join(draw(st.lists(_FRAGMENTS, min_size=1, max_size=8)))
    ending = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + body.replace(b"\n", ending)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=hostile_tests())
def test_hostile_test_files_are_fixed_only_by_insertions_that_compile(content: bytes) -> None:
    files = {"tests/conftest.py": _encode({"c": CONFTEST})["c"], "tests/test_it.py": content}
    written: Dict[str, bytes] = {}
    result = fix_files(["tests/test_it.py"], _reader(files), written.__setitem__, HA103)
    assert not [f for f in result.findings if "internal error" in f.message], result.findings
    if written:
        fixed = written["tests/test_it.py"]
        compile(fixed, "test_it.py", "exec", dont_inherit=True)
        operations = difflib.SequenceMatcher(None, content, fixed, autojunk=False).get_opcodes()
        assert {operation[0] for operation in operations} <= {"equal", "insert"}


def test_the_fix_plans_a_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fix writes what the check planned: HA103's plan (resolving every fixture parameter
    # through the conftests) is computed once per fixed file, not again for the fix.
    plans: List[str] = []
    real_plan = check.plan_fixture_annotations

    def counted_plan(module: FixtureModule, conftests: Conftests) -> FixturePlan:
        plans.append(module.path)
        return real_plan(module, conftests)

    monkeypatch.setattr(check, "plan_fixture_annotations", counted_plan)
    source = textwrap.dedent(
        """
        def test_writes(tmp_path):
            assert tmp_path.exists()
        """
    ).encode()
    fixed_source = fix_source("test_it.py", source, HA103)
    assert fixed_source is not None and b"tmp_path: Path" in fixed_source
    assert plans == ["test_it.py"]
