"""Fixer tests in libcst's CodemodTest shape: source before, source after, one behaviour each."""

from __future__ import annotations

import sys
import textwrap

import pytest

from monorepo_hygiene.annotations.check import check_source, none_return_reasons
from monorepo_hygiene.annotations.options import DEFAULT_OPTIONS, AnnotationOptions
from monorepo_hygiene.annotations.fix import fix_source
from monorepo_hygiene.annotations.provable import (
    ABSTRACT,
    DUNDER,
    NEVER_RETURNS,
    OVERLOADED,
    OVERRIDE,
    REDEFINED,
)
from monorepo_hygiene.source import SourceError
from tests.monorepo_hygiene.annotations.annotations_cases import LEFT_FOR_HUMANS


def assert_fixed(
    before: str, after: str, path: str = "m.py", options: AnnotationOptions = DEFAULT_OPTIONS
) -> None:
    before_bytes = textwrap.dedent(before).encode()
    fixed = fix_source(path, before_bytes, options)
    assert fixed is not None, "expected a fix"
    assert fixed.decode() == textwrap.dedent(after)
    assert fix_source(path, fixed, options) is None  # Fixing twice changes nothing.


def assert_unchanged(
    before: str,
    path: str = "m.py",
    options: AnnotationOptions = DEFAULT_OPTIONS,
    reported: int = 1,
) -> None:
    before_bytes = textwrap.dedent(before).encode()
    assert fix_source(path, before_bytes, options) is None
    # Left for a human, not silently accepted: the findings are still reported, without a fix.
    findings = check_source(path, before_bytes, options)
    assert [(finding.code, finding.fixable) for finding in findings] == [
        ("HA101", False)
    ] * reported


# Safe: `-> None` is added.


def test_adds_none_to_function_without_return() -> None:
    assert_fixed(
        """
        def setup(path):
            print(path)
        """,
        """
        def setup(path) -> None:
            print(path)
        """,
    )


def test_bare_return_is_none() -> None:
    assert_fixed(
        """
        def f(x):
            if x:
                return
            print(x)
        """,
        """
        def f(x) -> None:
            if x:
                return
            print(x)
        """,
    )


def test_return_none_is_none() -> None:
    assert_fixed(
        """
        def f(x):
            print(x)
            return None
        """,
        """
        def f(x) -> None:
            print(x)
            return None
        """,
    )


def test_return_value_in_nested_function_does_not_count() -> None:
    assert_fixed(
        """
        def outer() -> None:
            def register():
                def callback() -> int:
                    return 1
                hooks.append(callback)
            register()
        """,
        """
        def outer() -> None:
            def register() -> None:
                def callback() -> int:
                    return 1
                hooks.append(callback)
            register()
        """,
    )


def test_return_value_in_nested_class_does_not_count() -> None:
    assert_fixed(
        """
        def install():
            class Plugin:
                def name(self) -> str:
                    return "p"
            registry.add(Plugin)
        """,
        """
        def install() -> None:
            class Plugin:
                def name(self) -> str:
                    return "p"
            registry.add(Plugin)
        """,
    )


def test_yield_in_nested_function_does_not_count() -> None:
    assert_fixed(
        """
        def outer():
            def gen() -> Iterator[int]:
                yield 1
            consume(gen())
        """,
        """
        def outer() -> None:
            def gen() -> Iterator[int]:
                yield 1
            consume(gen())
        """,
    )


def test_yield_in_lambda_does_not_count() -> None:
    assert_fixed(
        """
        def outer():
            make = lambda: (yield)
            consume(make())
        """,
        """
        def outer() -> None:
            make = lambda: (yield)
            consume(make())
        """,
    )


def test_adds_none_to_init() -> None:
    assert_fixed(
        """
        class A:
            def __init__(self, x: int):
                self.x = x
        """,
        """
        class A:
            def __init__(self, x: int) -> None:
                self.x = x
        """,
    )


def test_adds_none_to_async_function_without_yield() -> None:
    assert_fixed(
        """
        async def close(conn):
            await conn.close()
        """,
        """
        async def close(conn) -> None:
            await conn.close()
        """,
    )


def test_adds_none_to_test_function() -> None:
    assert_fixed(
        """
        def test_parse():
            assert parse("x") == "x"
        """,
        """
        def test_parse() -> None:
            assert parse("x") == "x"
        """,
    )


def test_adds_none_to_fixture_without_return() -> None:
    assert_fixed(
        """
        @pytest.fixture(autouse=True)
        def env(monkeypatch):
            monkeypatch.setenv("A", "1")
        """,
        """
        @pytest.fixture(autouse=True)
        def env(monkeypatch) -> None:
            monkeypatch.setenv("A", "1")
        """,
    )


def test_adds_none_to_property_setter() -> None:
    assert_fixed(
        """
        class A:
            @size.setter
            def size(self, value):
                self._size = value
        """,
        """
        class A:
            @size.setter
            def size(self, value) -> None:
                self._size = value
        """,
    )


def test_fixes_outer_and_nested_functions() -> None:
    assert_fixed(
        """
        def outer():
            def inner():
                print(1)
            inner()
        """,
        """
        def outer() -> None:
            def inner() -> None:
                print(1)
            inner()
        """,
    )


def test_keeps_multiline_signature_and_comments() -> None:
    assert_fixed(
        """
        # Header comment.
        @decorator  # why
        def f(
            a,  # first: the colon in this comment is not the signature's
            b=lambda: 1,
        ) :  # trailing
            # body comment
            print(a, b)
        """,
        """
        # Header comment.
        @decorator  # why
        def f(
            a,  # first: the colon in this comment is not the signature's
            b=lambda: 1,
        ) -> None :  # trailing
            # body comment
            print(a, b)
        """,
    )


def test_one_line_body() -> None:
    assert_fixed(
        """
        def f(): x = 1; print(x)
        """,
        """
        def f() -> None: x = 1; print(x)
        """,
    )


def test_docstring_with_real_body() -> None:
    assert_fixed(
        '''
        def f():
            """Does something."""
            print(1)
        ''',
        '''
        def f() -> None:
            """Does something."""
            print(1)
        ''',
    )


def test_keeps_file_encoding_and_line_endings() -> None:
    before = "# -*- coding: latin-1 -*-\r\ndef f():\r\n    print('é')\r\n".encode("latin-1")
    after = "# -*- coding: latin-1 -*-\r\ndef f() -> None:\r\n    print('é')\r\n".encode("latin-1")
    assert fix_source("m.py", before) == after


def test_fixes_syntax_newer_than_the_interpreter() -> None:
    assert_fixed(
        """
        def f[T](x: T):
            print(x)
        """,
        """
        def f[T](x: T) -> None:
            print(x)
        """,
    )


# Unsafe: reported without a fix.


def test_return_value_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            return 1
        """
    )


def test_return_value_in_try_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            try:
                return compute()
            except ValueError:
                pass
        """
    )


def test_return_value_in_except_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            try:
                compute()
            except ValueError as e:
                return e
        """
    )


def test_return_value_in_for_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f(xs):
            for x in xs:
                return x
        """
    )


def test_return_value_in_while_else_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            while cond():
                pass
            else:
                return 1
        """
    )


def test_return_value_in_with_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            with open("x") as handle:
                return handle.read()
        """
    )


def test_return_value_in_match_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f(x):
            match x:
                case 1:
                    return "one"
        """
    )


def test_generator_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            print(1)
            yield
        """
    )


def test_yield_from_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            yield from range(3)
        """
    )


def test_yield_fixture_is_not_fixed() -> None:
    assert_unchanged(
        """
        @pytest.fixture
        def db():
            conn = connect()
            yield conn
            conn.close()
        """
    )


def test_async_generator_is_not_fixed() -> None:
    assert_unchanged(
        """
        async def f():
            await start()
            yield 1
        """
    )


def test_yield_in_nested_decorator_makes_a_generator() -> None:
    # A nested function's decorators run in the outer function's scope.
    assert_unchanged(
        """
        def outer():
            @register((yield))
            def inner() -> None:
                print(1)
        """
    )


def test_yield_in_nested_default_makes_a_generator() -> None:
    assert_unchanged(
        """
        def outer():
            def inner(x=(yield)) -> None:
                print(x)
        """
    )


def test_ellipsis_stub_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f(): ...
        """
    )


def test_pass_stub_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            pass
        """
    )


def test_a_default_hook_returning_none_only_is_not_fixed() -> None:
    # `return None` as the whole body is a default for subclasses to replace, and one in another
    # file may return a value (`FileRule.dependencies` in the suite's own core did): annotating
    # the hook `-> None` would make that override a mypy error.
    assert_unchanged(
        '''
        class Rule:
            def dependencies(self):
                """What else the check read."""
                return None

            def reset(self):
                return
        ''',
        reported=2,
    )


def test_a_body_that_does_work_then_returns_none_is_fixed() -> None:
    assert_fixed(
        """
        def f():
            print(1)
            return None
        """,
        """
        def f() -> None:
            print(1)
            return None
        """,
    )


def test_docstring_only_is_not_fixed() -> None:
    assert_unchanged(
        '''
        def f():
            """To be implemented by subclasses."""
        '''
    )


def test_docstring_and_ellipsis_is_not_fixed() -> None:
    assert_unchanged(
        '''
        def f():
            """Doc."""
            ...
        '''
    )


def test_raise_only_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():
            raise NotImplementedError
        """
    )


def test_docstring_and_raise_is_not_fixed() -> None:
    assert_unchanged(
        '''
        def fail(message):
            """Never returns."""
            raise SystemExit(message)
        '''
    )


def test_abstract_method_is_not_fixed() -> None:
    assert_unchanged(
        """
        class Base(abc.ABC):
            @abc.abstractmethod
            def run(self):
                ...
        """
    )


def test_protocol_member_is_not_fixed() -> None:
    assert_unchanged(
        """
        class Runner(Protocol):
            def run(self): ...
        """
    )


def test_overload_signature_is_not_fixed() -> None:
    assert_unchanged(
        """
        @overload
        def f(x: int): ...
        @overload
        def f(x: str): ...
        def f(x) -> object:
            return x
        """,
        reported=2,
    )


# Not provable from the body's neighbourhood: overloads, abstract methods, Protocols, NoReturn
# bodies, dunders with fixed types and overrides. Each failed before the rule looked past the
# body (see `provable.py`); `reason` pins why, so one rule can't silently cover for another.


def assert_left_for_humans(before: str, reason: str, reported: int = 1) -> None:
    assert_unchanged(before, reported=reported)
    reasons = none_return_reasons("m.py", textwrap.dedent(before).encode())
    assert reason in reasons.values(), reasons


def test_overload_implementation_is_not_fixed() -> None:
    assert_left_for_humans(
        LEFT_FOR_HUMANS["overload.py"],
        OVERLOADED,
        reported=1,
    )


def test_conditional_variants_are_not_fixed() -> None:
    # Annotating the first alone makes mypy report "All conditional function variants must have
    # identical signatures" (`-> None` vs `-> Any`), found by the mypy oracle.
    assert_left_for_humans(LEFT_FOR_HUMANS["conditional_variants.py"], REDEFINED, reported=2)


def test_sync_and_async_variants_are_not_fixed_even_both_provable() -> None:
    assert_left_for_humans(
        """
        import os

        if os.environ.get("QUIET"):
            def notify(message):
                print(message)
        else:
            async def notify(message):
                print(message)
        """,
        REDEFINED,
        reported=2,
    )


def test_a_property_setter_is_no_variant_of_its_getter() -> None:
    assert_fixed(
        """
        class Point:
            @property
            def x(self) -> int:
                return self._x

            @x.setter
            def x(self, value: int):
                self._x = value
        """,
        """
        class Point:
            @property
            def x(self) -> int:
                return self._x

            @x.setter
            def x(self, value: int) -> None:
                self._x = value
        """,
    )


def test_overloaded_method_implementation_is_not_fixed() -> None:
    assert_left_for_humans(
        """
        import typing

        class Store:
            @typing.overload
            def get(self, key: int) -> int: ...
            @typing.overload
            def get(self, key: str) -> str: ...
            if True:
                def get(self, key):
                    print(key)
        """,
        OVERLOADED,
    )


def test_same_name_in_another_scope_is_not_an_overload() -> None:
    assert_fixed(
        """
        @overload
        def load(key: int) -> int: ...
        class A:
            def load(self):
                print(1)
        """,
        """
        @overload
        def load(key: int) -> int: ...
        class A:
            def load(self) -> None:
                print(1)
        """,
    )


def test_abstract_method_with_real_body_is_not_fixed() -> None:
    assert_left_for_humans(
        """
        import abc

        class Job(metaclass=abc.ABCMeta):
            @abc.abstractmethod
            def run(self):
                print("subclasses return their result")
        """,
        ABSTRACT,
    )


def test_abstract_property_with_real_body_is_not_fixed() -> None:
    assert_left_for_humans(
        """
        from abc import abstractmethod

        class Job:
            @property
            @abstractmethod
            def name(self):
                print("subclasses name themselves")
        """,
        ABSTRACT,
    )


def test_protocol_method_with_real_body_is_not_fixed() -> None:
    assert_left_for_humans(
        """
        from typing import Protocol

        class Runner(Protocol):
            def run(self):
                print("overriders return values")
        """,
        OVERRIDE,
    )


def test_nested_if_else_raises_are_never_returns() -> None:
    assert_left_for_humans(
        """
        def fail(code):
            print(code)
            if code:
                raise ValueError(code)
            else:
                raise KeyError(code)
        """,
        NEVER_RETURNS,
    )


def test_raises_in_try_with_and_match_are_never_returns() -> None:
    assert_left_for_humans(
        """
        def fail(code, lock):
            try:
                print(code)
                raise ValueError(code)
            except ValueError:
                with lock:
                    raise
            finally:
                print("done")
        """,
        NEVER_RETURNS,
    )


@pytest.mark.skipif(sys.version_info < (3, 10), reason="`match` needs Python 3.10")
def test_raises_in_every_match_case_are_never_returns() -> None:
    assert_left_for_humans(
        """
        def fail(code):
            match code:
                case 1:
                    raise ValueError(code)
                case _:
                    raise KeyError(code)
        """,
        NEVER_RETURNS,
    )


def test_sys_exit_is_never_returns() -> None:
    assert_left_for_humans(
        """
        import sys

        def main(argv):
            print(argv)
            sys.exit(0)
        """,
        NEVER_RETURNS,
    )


def test_os_exit_in_both_branches_is_never_returns() -> None:
    assert_left_for_humans(
        """
        import os

        def die(code):
            if code:
                os._exit(code)
            else:
                exit()
        """,
        NEVER_RETURNS,
    )


def test_call_to_a_no_return_function_of_the_file_is_never_returns() -> None:
    assert_left_for_humans(
        """
        from typing import NoReturn

        def abort(message) -> NoReturn:
            raise SystemExit(message)

        def fail(message):
            print(message)
            abort(message)

        def fail_twice(message):
            fail(message)
        """,
        NEVER_RETURNS,
        reported=2,
    )


def test_infinite_loop_without_break_is_never_returns() -> None:
    assert_left_for_humans(
        """
        def serve(queue):
            while True:
                print(queue.get())
        """,
        NEVER_RETURNS,
    )


def test_a_path_that_returns_is_fixed() -> None:
    assert_fixed(
        """
        import sys

        def main(argv):
            if argv:
                sys.exit(1)
            try:
                print(argv)
            except ValueError:
                raise
            while True:
                if argv:
                    break
        """,
        """
        import sys

        def main(argv) -> None:
            if argv:
                sys.exit(1)
            try:
                print(argv)
            except ValueError:
                raise
            while True:
                if argv:
                    break
        """,
    )


def test_bare_return_after_raise_in_branch_is_fixed() -> None:
    assert_fixed(
        """
        def check(x):
            if x:
                raise ValueError(x)
            return
        """,
        """
        def check(x) -> None:
            if x:
                raise ValueError(x)
            return
        """,
    )


@pytest.mark.parametrize(
    "name", ["__str__", "__repr__", "__bool__", "__len__", "__hash__", "__eq__", "__iter__"]
)
def test_dunder_with_a_fixed_type_is_not_fixed(name: str) -> None:
    assert_left_for_humans(
        f"""
        class Point:
            def {name}(self, *args):
                print(self)
        """,
        DUNDER,
    )


@pytest.mark.parametrize("name", ["__init__", "__setattr__", "__exit__", "__call__"])
def test_dunder_whose_type_is_none_is_fixed(name: str) -> None:
    assert_fixed(
        f"""
        class Point:
            def {name}(self, *args):
                print(self)
        """,
        f"""
        class Point:
            def {name}(self, *args) -> None:
                print(self)
        """,
    )


def test_init_of_a_subclass_of_an_unknown_base_is_fixed() -> None:
    # Type checkers require `__init__` to return None and don't compare it with a base's.
    assert_fixed(
        """
        class Handler(logging.Handler):
            def __init__(self, level):
                super().__init__(level)
        """,
        """
        class Handler(logging.Handler):
            def __init__(self, level) -> None:
                super().__init__(level)
        """,
    )


def test_override_of_an_unknown_base_is_not_fixed() -> None:
    assert_left_for_humans(
        """
        from jobs import Job

        class Report(Job):
            def run(self):
                print("done")
        """,
        OVERRIDE,
    )


def test_override_of_a_base_returning_another_type_is_not_fixed() -> None:
    assert_left_for_humans(
        LEFT_FOR_HUMANS["override_base.py"],
        OVERRIDE,
    )


def test_base_overridden_with_another_type_is_not_fixed() -> None:
    assert_left_for_humans(
        LEFT_FOR_HUMANS["override_subclass.py"],
        OVERRIDE,
    )


def test_method_meeting_another_type_in_a_common_subclass_is_not_fixed() -> None:
    assert_left_for_humans(
        LEFT_FOR_HUMANS["common_subclass.py"],
        OVERRIDE,
    )


def test_base_name_bound_twice_is_unknown() -> None:
    assert_left_for_humans(
        """
        class Job:
            pass

        def make(Job):
            class Report(Job):
                def run(self):
                    print("done")
            return Report
        """,
        OVERRIDE,
        reported=2,  # `make` returns a value.
    )


def test_nested_class_subclassed_with_another_type_is_not_fixed() -> None:
    assert_left_for_humans(
        """
        def make():
            class Job:
                def run(self):
                    print("done")

            class Report(Job):
                def run(self) -> int:
                    return 0

            return Report
        """,
        OVERRIDE,
        reported=2,  # `make` returns a value.
    )


def test_method_of_a_class_with_no_or_object_base_is_fixed() -> None:
    assert_fixed(
        """
        class Job(object):
            def run(self):
                print("done")
        """,
        """
        class Job(object):
            def run(self) -> None:
                print("done")
        """,
    )


@pytest.mark.parametrize(
    ("imports", "base"),
    [
        ("import abc", "abc.ABC"),
        ("from abc import ABC", "ABC"),
        ("from abc import ABC as Base", "Base"),
        ("import threading as th", "th.Thread"),
        ("import collections.abc\nimport enum", "enum.Enum"),
        ("", "Exception"),
        ("import builtins", "builtins.KeyError"),
        ("from unittest import TestCase", "TestCase"),
    ],
)
def test_method_of_a_subclass_of_a_stdlib_class_is_fixed(imports: str, base: str) -> None:
    # `log` is declared by none of these classes in typeshed, in any Python version.
    before = f"""{imports}\n\nclass Shape({base}):\n    def log(self, msg: str):\n        print(msg)\n"""
    assert_fixed(before, before.replace("msg: str):", "msg: str) -> None:"))


@pytest.mark.parametrize(
    ("source", "reported"),
    [
        # A name the stdlib class declares (typeshed: `Thread.run`, `BaseException.add_note`).
        ("import threading\n\nclass Job(threading.Thread):\n    def run(self):\n        print(1)\n", 1),
        ("class Failure(Exception):\n    def add_note(self, note):\n        print(note)\n", 1),
        # Bound other than by one unconditional import in the module body.
        ("from abc import ABC\nABC = dict\n\nclass S(ABC):\n    def log(self):\n        print(1)\n", 1),
        ("import sys\nif sys.version_info >= (3, 4):\n    from abc import ABC\n\nclass S(ABC):\n    def log(self):\n        print(1)\n", 1),
        ("try:\n    from abc import ABC\nexcept ImportError:\n    ABC = object\n\nclass S(ABC):\n    def log(self):\n        print(1)\n", 1),
        ("from .abc import ABC\n\nclass S(ABC):\n    def log(self):\n        print(1)\n", 1),
        ("from abc import *\n\nclass S(ABC):\n    def log(self):\n        print(1)\n", 1),
        ("def f(Exception):\n    return Exception\n\nclass S(Exception):\n    def log(self):\n        print(1)\n", 2),
        # Not a vetted stdlib class: third party, or a stdlib one whose stubs aren't vetted.
        ("from requests import Session\n\nclass S(Session):\n    def log(self):\n        print(1)\n", 1),
        ("from collections import OrderedDict\n\nclass S(OrderedDict):\n    def log(self):\n        print(1)\n", 1),
        ("class S(OSError):\n    def log(self):\n        print(1)\n", 1),
    ],
)
def test_stdlib_bases_that_are_not_provably_free_of_the_name_are_not_fixed(
    source: str, reported: int
) -> None:
    assert_left_for_humans(source, OVERRIDE, reported=reported)


def test_overrides_within_the_file_that_agree_are_fixed() -> None:
    assert_fixed(
        """
        class Job:
            def run(self):
                print("job")

            def stop(self) -> None:
                print("stop")

        class Report(Job):
            def run(self):
                print("report")

            def stop(self):
                print("report stop")

            def extra(self):
                print("new name")
        """,
        """
        class Job:
            def run(self) -> None:
                print("job")

            def stop(self) -> None:
                print("stop")

        class Report(Job):
            def run(self) -> None:
                print("report")

            def stop(self) -> None:
                print("report stop")

            def extra(self) -> None:
                print("new name")
        """,
    )


def test_stub_file_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f(x):
            print(x)
        """,
        path="m.pyi",
    )


def test_noqa_function_is_not_fixed() -> None:
    assert_unchanged(
        """
        def f():  # noqa: HA101
            print(1)
        """,
        reported=0,
    )


def test_nothing_fixed_when_return_annotations_not_selected() -> None:
    assert_unchanged(
        """
        def f(x):
            print(x)
        """,
        options=AnnotationOptions(select=frozenset()),
        reported=0,
    )


def test_init_allowed_without_return_is_not_fixed() -> None:
    assert_unchanged(
        """
        class A:
            def __init__(self, x: int):
                self.x = x
        """,
        options=AnnotationOptions(allow_init_without_return=True),
        reported=0,
    )


def test_file_libcst_cannot_reproduce_is_fixed_on_the_text_unless_it_has_a_cookie() -> None:
    # libcst drops (and, in a class body, misreads) a form feed before `def`; the text edit
    # (`text_fix`) doesn't need libcst. A file with a coding cookie is left to libcst, which
    # leaves it unchanged; the check, which never runs libcst, still calls the finding fixable:
    # a known gap.
    before = b"class A:\n    x = 1\n    \x0cdef f(self):\n        print(1)\n"
    assert fix_source("m.py", before) == before.replace(b"(self):", b"(self) -> None:")
    latin = b"# -*- coding: latin-1 -*-\n" + before
    assert fix_source("m.py", latin) is None
    assert [finding.code for finding in check_source("m.py", latin)] == ["HA101"]


def test_annotated_function_is_not_touched() -> None:
    assert fix_source("m.py", b"def f() -> int:\n    return 1\n") is None


def test_unparseable_file_raises() -> None:
    with pytest.raises(SourceError):
        fix_source("m.py", b"def f(:\n    pass\n")
