"""mypy as the oracle for the `-> None` fix: on a corpus, the fix must add no type error.

mypy runs with `--check-untyped-defs` before and after, so that annotating a function doesn't
merely switch on the checking of a body mypy skipped before: what is compared is what the
annotation itself asserts. The corpus holds the cases the fix must leave to a human (the
same corpus, annotated naively, shows mypy does reject those) and generated modules.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path
from typing import Dict, FrozenSet, List, Set, Tuple

import libcst as cst
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper
from mypy import api as mypy_api

from monorepo_hygiene.annotations.check import check_source
from monorepo_hygiene.annotations.cst_fix import _Annotate
from monorepo_hygiene.annotations.fix import fix_source
from tests.monorepo_hygiene.annotations.annotations_cases import LEFT_FOR_HUMANS
from tests.monorepo_hygiene.annotations.annotations_fixtures import modules, stdlib_base_modules

# (file, line, error code, message): lines don't move, `-> None` is inserted within one.
MypyError = Tuple[str, int, str, str]
_MYPY_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*?)(  \[(?P<code>[\w-]+)\])?$"
)

# A function that never returns gets no mypy error from `-> None` (it is only untrue), so it
# is in the corpus as a case the fix leaves alone, not as one that shows a mypy error.
NEVER_RETURNS = {
    "never_returns.py": """
        import sys

        def fail(code):
            if code:
                raise ValueError(code)
            else:
                sys.exit(code)
        """,
}
FIXABLE = {
    "fixable.py": """
        import logging
        from typing import List

        def log(items):
            for item in items:
                print(item)

        class Handler(logging.Handler):
            def __init__(self, level):
                super().__init__(level)
                self.seen: List[str] = []

        class Job(object):
            def run(self):
                print("job")

            def __setattr__(self, name, value):
                object.__setattr__(self, name, value)

        class Report(Job):
            def run(self):
                print("report")

        log([Report()])
        Report().run()
        """,
    # Stdlib bases whose stubs declare none of these names, in any Python version.
    "stdlib_bases.py": """
        import abc
        import enum
        import threading as th
        from json import JSONEncoder
        from unittest import TestCase

        class Shape(abc.ABC):
            def log(self, msg: str):
                print(msg)

            @abc.abstractmethod
            def area(self) -> float: ...

        class Square(Shape):
            def area(self) -> float:
                return 1.0

            def log(self, msg: str):
                print("square", msg)

        class Failure(Exception):
            def report(self):
                print(self.args)

        class Color(enum.Enum):
            RED = 1

            def show(self):
                print(self.value)

        class Worker(th.Thread):
            def stop(self):
                print("stop")

        class Encoder(JSONEncoder):
            def reset(self):
                print("reset")

        class ShapeTest(TestCase):
            def test_log(self):
                Square().log("x")

        Square().log("x")
        Color.RED.show()
        Failure().report()
        """,
}


def mypy_errors(root: Path, files: List[str]) -> Set[MypyError]:
    stdout, stderr, status = mypy_api.run(
        [
            "--check-untyped-defs", "--show-error-codes", "--no-error-summary",
            "--hide-error-context", "--no-pretty", "--no-color-output", "--ignore-missing-imports",
            "--cache-dir", str(root / ".mypy_cache"), *(str(root / name) for name in files),
        ]
    )  # fmt: skip
    assert status in (0, 1), stderr + stdout  # 2: mypy itself failed.
    prefix = f"{root}{os.sep}"
    errors = set()
    for line in stdout.splitlines():
        match = _MYPY_LINE.match(line[len(prefix) :] if line.startswith(prefix) else line)
        if match:  # Not `note:` lines.
            errors.add((match["file"], int(match["line"]), match["code"] or "", match["message"]))
    return errors


# The words in a mypy message that the fix may change: it turns a function's implicit `Any`
# return type into `None`.
_RETURN_TYPE_WORD = re.compile(r"\b(Any|None)\b")


def is_same_error_retyped(before: MypyError, after: MypyError) -> bool:
    """`after` is the error `before` was, on the same line and with the same code, its text
    changed only where the fixed function's type was named (`Coroutine[Any, Any, Any]` became
    `Coroutine[Any, Any, None]`)."""
    if before[:3] != after[:3]:
        return False
    # With the capturing group, odd items are the type words and even items the text between.
    before_parts = _RETURN_TYPE_WORD.split(before[3])
    after_parts = _RETURN_TYPE_WORD.split(after[3])
    return len(before_parts) == len(after_parts) and all(
        old == new or (index % 2 == 1 and (old, new) == ("Any", "None"))
        for index, (old, new) in enumerate(zip(before_parts, after_parts))
    )


def new_errors(before: Set[MypyError], after: Set[MypyError]) -> Set[MypyError]:
    """The errors after the fix that were not there before it, in any spelling."""
    return {
        error for error in after if not any(is_same_error_retyped(old, error) for old in before)
    }


def write(root: Path, sources: Dict[str, str]) -> List[str]:
    for name, source in sources.items():
        (root / name).write_text(textwrap.dedent(source))
    return sorted(sources)


def fix_all(root: Path, files: List[str]) -> FrozenSet[str]:
    """`fix_source` on each file, as `pants fix` would; the names of the files it changed."""
    changed = set()
    for name in files:
        fixed = fix_source(name, (root / name).read_bytes())
        if fixed is not None:
            (root / name).write_bytes(fixed)
            changed.add(name)
    return frozenset(changed)


def annotate_every_finding(root: Path, files: List[str]) -> None:
    """What the fixer did before it looked past the body: `-> None` on every HA101 finding
    whose body has no `return <value>`."""
    for name in files:
        content = (root / name).read_bytes()
        lines = frozenset(finding.line for finding in check_source(name, content))
        module = MetadataWrapper(cst.parse_module(content)).visit(_Annotate(lines, frozenset(), {}))
        (root / name).write_text(module.code)


def test_fix_adds_no_mypy_error_and_leaves_what_mypy_would_reject(tmp_path: Path) -> None:
    corpus = {**LEFT_FOR_HUMANS, **NEVER_RETURNS, **FIXABLE}
    files = write(tmp_path, corpus)
    before = mypy_errors(tmp_path, files)

    changed = fix_all(tmp_path, files)
    assert changed == set(FIXABLE)
    assert new_errors(before, mypy_errors(tmp_path, files)) == set()
    # Every fixable function was fixed: what remains is left for humans.
    assert not any(
        finding.fixable
        for name in files
        for finding in check_source(name, (tmp_path / name).read_bytes())
    )

    # The oracle can fail: the same cases annotated without looking past the body give
    # mypy errors in every file of LEFT_FOR_HUMANS (jobs.py's in its subclass, report.py).
    naive = tmp_path / "naive"
    naive.mkdir()
    write(naive, corpus)
    annotate_every_finding(naive, files)
    naive_errors = new_errors(before, mypy_errors(naive, files))
    assert {error[0] for error in naive_errors} == set(LEFT_FOR_HUMANS) - {"jobs.py"}, naive_errors


@settings(
    max_examples=6,
    deadline=None,
    # Twelve modules per example and two mypy runs: shrinking would take minutes. A failure
    # prints the modules; `fix_all` and `mypy_errors` reproduce it.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    sources=st.one_of(
        st.lists(modules(newer=False), min_size=12, max_size=12),
        # Classes on stdlib bases, bound every way a file may bind them.
        st.lists(stdlib_base_modules(), min_size=12, max_size=12),
    )
)
def test_fix_adds_no_mypy_error_on_generated_modules(tmp_path: Path, sources: List[str]) -> None:
    root = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    root.mkdir()
    files = write(root, {f"m{index}.py": source for index, source in enumerate(sources)})
    before = mypy_errors(root, files)
    fix_all(root, files)
    assert new_errors(before, mypy_errors(root, files)) == set()


# A name defined twice (`async def __call__` under `while`, again under `else`): mypy's error
# was there before the fix, which changed only the return type the message spells out.
_REDEFINITION = (
    "m0.py",
    12,
    "misc",
    'Incompatible redefinition (redefinition with type "Callable[[Handler], Coroutine[Any, Any, '
    '{new}]]", original type "Callable[[Handler], Coroutine[Any, Any, {old}]]")',
)


def _redefinition(new: str, old: str) -> MypyError:
    path, line, code, message = _REDEFINITION
    return (path, line, code, message.format(new=new, old=old))


def test_an_error_retyped_by_the_fix_is_not_new() -> None:
    before = {_redefinition(new="Any", old="Any")}
    assert new_errors(before, {_redefinition(new="None", old="None")}) == set()
    assert new_errors(before, {_redefinition(new="None", old="Any")}) == set()


def test_a_new_error_is_new_even_beside_a_retyped_one() -> None:
    before = {_redefinition(new="Any", old="Any")}
    assigned_none = (
        "m0.py",
        20,
        "assignment",
        'Incompatible types in assignment (expression has type "None", variable has type "int")',
    )
    # Any other change of text on the same line, or `None` becoming `Any`, is a different error.
    other_name = (
        "m0.py",
        12,
        "misc",
        _REDEFINITION[3].format(new="None", old="None").replace("Handler", "Job"),
    )
    none_to_any = _redefinition(new="Any", old="Any")
    after = {_redefinition(new="None", old="None"), assigned_none, other_name}
    assert new_errors(before, after) == {assigned_none, other_name}
    assert new_errors({_redefinition(new="None", old="None")}, {none_to_any}) == {none_to_any}
    # Another line or another code is another error, whatever its text.
    moved = ("m0.py", 13, *_redefinition(new="Any", old="Any")[2:])
    assert new_errors(before, {moved}) == {moved}
