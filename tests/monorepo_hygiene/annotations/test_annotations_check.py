from __future__ import annotations

import textwrap
from typing import Callable, List, Tuple

import pytest

from monorepo_hygiene.annotations.check import check_source, check_source_with_libcst
from monorepo_hygiene.annotations.options import AnnotationOptions
from monorepo_hygiene.findings import Finding
from monorepo_hygiene.source import SourceError

CheckSource = Callable[[str, bytes, AnnotationOptions], Tuple[Finding, ...]]
BOTH = frozenset({"HA101", "HA102"})


# Every detection test runs on both front ends: the stdlib `ast` fast path and the libcst path
# used for syntax newer than the running interpreter.
@pytest.fixture(params=[check_source, check_source_with_libcst], ids=["ast", "libcst"])
def check(request: pytest.FixtureRequest) -> CheckSource:
    return request.param  # type: ignore[no-any-return]


def run(
    check: CheckSource,
    code: str,
    path: str = "m.py",
    select: frozenset = frozenset({"HA101"}),
    allow_init_without_return: bool = False,
) -> List[str]:
    options = AnnotationOptions(select=select, allow_init_without_return=allow_init_without_return)
    content = textwrap.dedent(code).lstrip("\n").encode()
    return [finding.render() for finding in check(path, content, options)]


def test_reports_function_at_def_keyword(check: CheckSource) -> None:
    assert run(check, "x = 1\ndef load(path):\n    print(path)\n") == [
        "m.py:2:1: HA101 Missing return annotation for function `load` [*]"
    ]


def test_annotated_function_is_clean(check: CheckSource) -> None:
    assert run(check, "def load(path) -> None:\n    print(path)\n") == []


def test_reports_every_kind_of_function(check: CheckSource) -> None:
    code = """
        import pytest

        class Service:
            def __init__(self):
                self.x = 1

            @property
            def size(self):
                return 1

            @staticmethod
            def make():
                return Service()

            @classmethod
            def build(cls):
                return cls()

            def __repr__(self):
                return "Service"

        def outer():
            def nested():
                class Local:
                    def method(self):
                        return 1
                return Local
            return nested

        def test_service():
            assert Service()

        @pytest.fixture
        def service():
            return Service()
    """
    names = [line.split("`")[1] for line in run(check, code)]
    assert names == [
        "__init__", "size", "make", "build", "__repr__",
        "outer", "nested", "method", "test_service", "service",
    ]  # fmt: skip


def test_decorated_function_is_reported_on_def_line(check: CheckSource) -> None:
    code = """
        @pytest.mark.parametrize(
            "x", [1, 2]
        )
        @other
        def test_it(x):
            assert x
    """
    assert run(check, code) == [
        "m.py:5:1: HA101 Missing return annotation for function `test_it` [*]"
    ]


def test_async_function_column_is_async_keyword(check: CheckSource) -> None:
    code = """
        class A:
            async def fetch(self):
                await self.go()
    """
    assert run(check, code) == [
        "m.py:2:5: HA101 Missing return annotation for function `fetch` [*]"
    ]


def test_functions_under_compound_statements_are_found(check: CheckSource) -> None:
    code = """
        try:
            def a(): return 1
        except ImportError:
            def b(): return 1
        else:
            def c(): return 1
        finally:
            def d(): return 1
        for _ in x:
            def e(): return 1
        while x:
            def f(): return 1
        with x:
            def g(): return 1
        if x:
            def h(): return 1
        else:
            def i(): return 1
    """
    assert [line.split("`")[1] for line in run(check, code)] == list("abcdefghi")


def test_functions_under_match_are_found(check: CheckSource) -> None:
    # Before 3.10, `check_source` reads `match` through libcst too.
    code = """
        match x:
            case 1:
                def a(): return 1
            case _:
                def b(): return 1
    """
    assert [line.split("`")[1] for line in run(check, code)] == ["a", "b"]


def test_lambdas_are_not_functions(check: CheckSource) -> None:
    assert run(check, "f = lambda x: x\n") == []


def test_parameters_are_not_checked_by_default(check: CheckSource) -> None:
    assert run(check, "def f(x) -> None:\n    print(x)\n") == []


def test_reports_each_unannotated_parameter(check: CheckSource) -> None:
    code = "def f(a, /, b: int, *args, c, d: int = 1, **kwargs) -> None:\n    pass\n"
    assert run(check, code, select=BOTH) == [
        "m.py:1:7: HA102 Missing type annotation for parameter `a` in function `f`",
        "m.py:1:22: HA102 Missing type annotation for parameter `*args` in function `f`",
        "m.py:1:28: HA102 Missing type annotation for parameter `c` in function `f`",
        "m.py:1:45: HA102 Missing type annotation for parameter `**kwargs` in function `f`",
    ]


def test_parameter_column_counts_characters_not_bytes(check: CheckSource) -> None:
    assert run(check, "def f(é: int, x) -> None: pass\n", select=BOTH) == [
        "m.py:1:15: HA102 Missing type annotation for parameter `x` in function `f`"
    ]


def test_self_and_cls_are_exempt(check: CheckSource) -> None:
    code = """
        class A:
            def m(self, x) -> None: ...
            @classmethod
            def c(cls, x) -> None: ...
            def __new__(mcs, x) -> None: ...
            if True:
                def under_if(self, x) -> None: ...
    """
    names = [line.split("`")[1] for line in run(check, code, select=BOTH)]
    assert names == ["x", "x", "x", "x"]


def test_staticmethod_first_parameter_is_checked(check: CheckSource) -> None:
    code = """
        class A:
            @staticmethod
            def s(self) -> None: ...
    """
    assert run(check, code, select=BOTH) == [
        "m.py:3:11: HA102 Missing type annotation for parameter `self` in function `s`"
    ]


def test_nested_function_first_parameter_is_checked(check: CheckSource) -> None:
    code = """
        class A:
            def m(self) -> None:
                def inner(self) -> None: ...
    """
    assert run(check, code, select=BOTH) == [
        "m.py:3:19: HA102 Missing type annotation for parameter `self` in function `inner`"
    ]


def test_method_without_positional_parameters_exempts_nothing(check: CheckSource) -> None:
    # Intended difference from ruff's ANN001, which skips `key` here.
    code = """
        class A:
            def m(*, key) -> None: ...
    """
    assert run(check, code, select=BOTH) == [
        "m.py:2:14: HA102 Missing type annotation for parameter `key` in function `m`"
    ]


def test_init_needs_return_annotation_by_default(check: CheckSource) -> None:
    code = """
        class A:
            def __init__(self, x: int):
                self.x = x
    """
    assert run(check, code) == [
        "m.py:2:5: HA101 Missing return annotation for function `__init__` [*]"
    ]


def test_init_with_annotated_parameter_may_omit_return_when_allowed(check: CheckSource) -> None:
    code = """
        class A:
            def __init__(self, x: int, y):
                self.x = x
    """
    assert run(check, code, allow_init_without_return=True) == []


def test_init_with_annotated_star_args_may_omit_return_when_allowed(check: CheckSource) -> None:
    code = """
        class A:
            def __init__(self, *args: int):
                self.args = args
    """
    assert run(check, code, allow_init_without_return=True) == []


def test_init_without_annotated_parameter_still_needs_return(check: CheckSource) -> None:
    code = """
        class A:
            def __init__(self: "A", x):
                self.x = x
    """
    assert run(check, code, allow_init_without_return=True) == [
        "m.py:2:5: HA101 Missing return annotation for function `__init__` [*]"
    ]


def test_static_or_class_method_init_still_needs_return(check: CheckSource) -> None:
    code = """
        class A:
            @staticmethod
            def __init__(self, a: int):
                print(a)
        class B:
            @classmethod
            def __init__(cls, a: int):
                print(a)
    """
    assert run(check, code, allow_init_without_return=True) == [
        "m.py:3:5: HA101 Missing return annotation for function `__init__` [*]",
        "m.py:7:5: HA101 Missing return annotation for function `__init__` [*]",
    ]


def test_module_level_init_is_not_a_method(check: CheckSource) -> None:
    code = "def __init__(x: int):\n    print(x)\n"
    assert run(check, code, allow_init_without_return=True) == [
        "m.py:1:1: HA101 Missing return annotation for function `__init__` [*]"
    ]


def test_noqa_on_def_line(check: CheckSource) -> None:
    assert run(check, "def f():  # noqa\n    return 1\n") == []


def test_noqa_with_matching_code(check: CheckSource) -> None:
    assert run(check, "def f():  # noqa: HA101\n    return 1\n") == []


def test_noqa_with_other_code_does_not_suppress(check: CheckSource) -> None:
    assert run(check, "def f():  # noqa: E501\n    return 1\n") == [
        "m.py:1:1: HA101 Missing return annotation for function `f`"
    ]


def test_noqa_on_decorator_line(check: CheckSource) -> None:
    code = """
        @pytest.fixture  # noqa: HA101
        @other
        def f():
            return 1
    """
    assert run(check, code) == []


def test_noqa_on_first_line_of_multiline_decorator(check: CheckSource) -> None:
    code = """
        @(  # noqa: HA101
            deco
        )
        def f():
            return 1
    """
    assert run(check, code) == []


def test_noqa_on_parameter_line_of_multiline_signature(check: CheckSource) -> None:
    code = """
        def f(
            a,  # noqa: HA101
            b,
        ):
            return 1
    """
    assert run(check, code) == []


def test_noqa_on_line_of_signature_colon(check: CheckSource) -> None:
    code = """
        def f(
            a,  # a: comment with a colon
            b=lambda: 1,
        ):  # noqa: HA101
            return 1
    """
    assert run(check, code) == []


def test_noqa_after_the_signature_does_not_suppress(check: CheckSource) -> None:
    code = """
        def f(
            a,
        ):
            # noqa: HA101
            return 1
    """
    assert run(check, code) == ["m.py:1:1: HA101 Missing return annotation for function `f`"]


def test_noqa_of_nested_function_does_not_suppress_outer(check: CheckSource) -> None:
    code = """
        def outer():
            def inner():  # noqa: HA101
                return 1
            return inner
    """
    assert run(check, code) == ["m.py:1:1: HA101 Missing return annotation for function `outer`"]


def test_noqa_suppresses_parameter_findings_by_code(check: CheckSource) -> None:
    code = """
        def f(
            a,  # noqa: HA102
        ):
            return 1
    """
    assert run(check, code, select=BOTH) == [
        "m.py:1:1: HA101 Missing return annotation for function `f`"
    ]


def test_line_numbers_follow_python_line_breaks(check: CheckSource) -> None:
    # \f and \x1c are line breaks for str.splitlines() but not for Python.
    content = b"x = 1\r\n\x0c\r\ny = '\x1c'\r\ndef f():  # noqa\r\n    return 1\r"
    content += b"def g():\n  return 2\n"
    findings = check("m.py", content, AnnotationOptions())
    assert [(finding.line, finding.message) for finding in findings] == [
        (6, "Missing return annotation for function `g`")
    ]


def test_stub_file_is_reported_without_fix(check: CheckSource) -> None:
    assert run(check, "def f(x):\n    print(x)\n", path="m.pyi") == [
        "m.pyi:1:1: HA101 Missing return annotation for function `f`"
    ]


def test_fixable_flag_marks_provable_none(check: CheckSource) -> None:
    code = """
        def a():
            print(1)
        def b():
            return 1
    """
    assert run(check, code) == [
        "m.py:1:1: HA101 Missing return annotation for function `a` [*]",
        "m.py:3:1: HA101 Missing return annotation for function `b`",
    ]


def test_syntax_newer_than_the_interpreter_is_checked() -> None:
    # PEP 695 (3.12) and `match` (3.10): on older interpreters this goes through libcst.
    code = b"""\
class Box[T]:
    def get[S](self, default: S):
        match default:
            case None:
                return None
        return default

type Alias = int
"""
    assert [finding.render() for finding in check_source("m.py", code)] == [
        "m.py:2:5: HA101 Missing return annotation for function `get`"
    ]


def test_syntax_error_raises_with_its_line() -> None:
    with pytest.raises(SourceError) as error:
        check_source("m.py", b"def ok() -> None: ...\ndef broken(:\n    pass\n")
    assert (error.value.path, error.value.line) == ("m.py", 2)


def test_libcst_path_raises_source_error_too() -> None:
    with pytest.raises(SourceError, match="syntax error"):
        check_source_with_libcst("m.py", b"def broken(:\n    pass\n")


def test_undecodable_file_raises_with_its_line() -> None:
    with pytest.raises(SourceError) as error:
        check_source("m.py", b"x = 1\ny = '\xff'\n")
    assert (error.value.line, error.value.col) == (2, 6)


def test_unknown_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="HA999"):
        AnnotationOptions(select=frozenset({"HA101", "HA999"}))
