"""Rule documentation for the annotation codes, in ruff's shape (rendered by `pants help`)."""

from __future__ import annotations

from typing import Tuple

from ..rule_docs import RuleDoc
from .check import (
    CANNOT_CHECK_FILE,
    MISSING_PARAMETER_ANNOTATION,
    MISSING_RETURN_ANNOTATION,
)

_SELECT_OPTION = "`[hygiene-annotations].select`: the codes to report (default: HA101 only)."
_SKIP_OPTION = "`skip_return_annotations=True` on a target: don't check its files."
_NOQA_NOTE = """
    `# noqa` or `# noqa: {code}` silences it when written on the `def` line, on a decorator
    line, or on any line of a multi-line signature up to the `:` that ends it.
"""

MISSING_RETURN_ANNOTATION_DOC = RuleDoc(
    code=MISSING_RETURN_ANNOTATION,
    name="missing-return-annotation",
    what_it_does="""
    Checks that every function has a return annotation: module-level and nested functions,
    `async` functions, methods (`__init__` and other dunders included), properties, test
    functions and pytest fixtures. Lambdas are not checked.
    """
    + _NOQA_NOTE.format(code=MISSING_RETURN_ANNOTATION)
    + """
    Differences from ruff's ANN201/ANN202/ANN204/ANN205/ANN206 (otherwise the same findings):
    - The implementation of an `@overload`-ed function is reported (without a fix); ruff
      exempts it. Its annotations are what the type checker checks its body against.
    - The position is the `def` (or `async`) keyword. When a backslash continuation puts the
      name on a later line, ruff reports the name's line.
    - ruff honours `# noqa` on the name's line only.
    """,
    why_is_this_bad="""
    An unannotated function is not type-checked (mypy skips its body unless told otherwise)
    and callers see `Any`, so mistakes in and around it go unnoticed. The repository's rule is
    comprehensive annotations, tests included: `-> None` on test functions, real return types
    on fixtures.
    """,
    example="""
    def test_parse(tmp_path):
        ...

    @pytest.fixture
    def config():
        return Config()
    """,
    use_instead="""
    def test_parse(tmp_path: Path) -> None:
        ...

    @pytest.fixture
    def config() -> Config:
        return Config()
    """,
    options=(
        _SELECT_OPTION,
        (
            "`[hygiene-annotations].allow_init_without_return`: let an `__init__` method omit "
            "`-> None` when a parameter other than `self` is annotated, as mypy allows "
            "(default: off)."
        ),
        _SKIP_OPTION,
    ),
    fix_safety="""
    The fix adds `-> None`, and only where no type checker can disagree with it; every other
    finding is reported without a fix (no `[*]`), for a human to annotate. It is added when:
    - the body proves it: no `return <value>` (`return None` and a bare `return` are fine;
      nested functions and classes don't count, `return` inside `if`/`try`/`for`/`with`/`match`
      does), no `yield`/`yield from` (a generator), not a stub (only `...`, `pass` and
      docstrings), and some path reaches the end or a bare `return`: a body whose every path
      raises, calls `sys.exit()`/`exit()`/`os._exit()`/`pytest.fail()`/... or a function of the
      same file that never returns (`-> NoReturn`), asserts `False` or loops `while True`
      without `break`, is `NoReturn`, not `None`;
    - the signature allows it: not an `@overload`-ed name (the implementation's type follows
      from the overloads), not `@abstractmethod` (overriders decide), not a dunder whose type
      the data model fixes (`__str__`, `__repr__`, `__bool__`, `__len__`, `__hash__`, `__eq__`,
      `__iter__`, ...); `__init__`, `__init_subclass__`, `__post_init__`, `__del__`,
      `__setattr__`, `__delattr__`, `__setitem__`, `__delitem__`, `__set__`, `__delete__`,
      `__set_name__`, `__enter__`, `__exit__` and `__call__` are fixed;
    - the classes around a method allow it: every base, up to `object`, is a class of the same
      file, and no class it meets (its bases, its subclasses in the file and their bases) binds
      the name other than as a plain `def` that is, or will be, `-> None`. A method of a class
      with any other base (`Protocol`, `TestCase`, an imported class, `Generic[T]`) is left:
      that base may declare another type. `__init__` and `__init_subclass__` are fixed whatever
      the bases: type checkers require them to return None.
    Subclasses in other files can't be seen: one that overrides a fixed method with another
    return type would then be reported by mypy (`[override]`). Nothing is fixed in `.pyi`
    stubs. The fix keeps formatting and comments and is idempotent. It is tested against mypy:
    on its corpus the fix adds no mypy error (with `--check-untyped-defs`, so that only the
    annotation is compared), while `-> None` on the functions it leaves does.
    """,
)

MISSING_PARAMETER_ANNOTATION_DOC = RuleDoc(
    code=MISSING_PARAMETER_ANNOTATION,
    name="missing-parameter-annotation",
    what_it_does="""
    Checks that every parameter of every function has a type annotation, `*args` and
    `**kwargs` included. A method's first positional parameter (`self`, `cls`) is exempt unless
    the method is a `@staticmethod`. Off by default.
    """
    + _NOQA_NOTE.format(code=MISSING_PARAMETER_ANNOTATION)
    + """
    Differences from ruff's ANN001/ANN002/ANN003 (otherwise the same findings): a method with
    no positional parameter (`def f(*, key)`) has no `self` to exempt, so its first keyword-only
    parameter is reported (ruff skips it); the column is the parameter's name, after any `*`.
    """,
    why_is_this_bad="""
    Unannotated parameters are `Any` inside the function and to its callers. In tests, the
    fixtures a test receives should be annotated so that the test body is type-checked.
    """,
    example="""
    def test_load(config, tmp_path):
        ...
    """,
    use_instead="""
    def test_load(config: Config, tmp_path: Path) -> None:
        ...
    """,
    options=(_SELECT_OPTION, _SKIP_OPTION),
    fix_safety="""
    No fix: the right type can't be derived from the code.
    """,
)

CANNOT_CHECK_FILE_DOC = RuleDoc(
    code=CANNOT_CHECK_FILE,
    name="cannot-check-file",
    what_it_does="""
    Reports a file that could not be read, decoded or parsed, at the place of the problem;
    the other files of the batch are still checked. Syntax newer than the interpreter running
    the check is not an error: such files are parsed with libcst.
    """,
    why_is_this_bad="""
    A file that can't be parsed can't be checked, and will fail at import time too.
    """,
    example="""
    def broken(:
        ...
    """,
    use_instead="""
    def fixed() -> None:
        ...
    """,
    fix_safety="""
    No fix.
    """,
)

RULE_DOCS: Tuple[RuleDoc, ...] = (
    MISSING_RETURN_ANNOTATION_DOC,
    MISSING_PARAMETER_ANNOTATION_DOC,
    CANNOT_CHECK_FILE_DOC,
)
