"""Rule documentation for the annotation codes, in ruff's shape (rendered by `pants help`)."""

from __future__ import annotations

from typing import FrozenSet, Tuple

from ..rule_docs import RuleDoc

MISSING_RETURN_ANNOTATION = "HA101"
MISSING_PARAMETER_ANNOTATION = "HA102"
MISSING_FIXTURE_ANNOTATION = "HA103"
CANNOT_CHECK_FILE = "HA100"
CANNOT_FIX_FILE = "HA105"
# The codes `[hygiene-annotations].select` may name.
RULE_CODES: FrozenSet[str] = frozenset(
    {MISSING_RETURN_ANNOTATION, MISSING_PARAMETER_ANNOTATION, MISSING_FIXTURE_ANNOTATION}
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
      `__set_name__`, `__enter__`, `__exit__` and `__call__` are fixed; not one of several
      `def`s of one name in one scope (`if ...: def f(...)` / `else: def f(...)`: mypy wants
      conditional variants' signatures identical, so annotating one is an error when another
      returns a value or is `async`; a property's `@x.setter` is no variant);
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
    No fix: the right type can't be derived from the code. (For the parameters of tests and
    fixtures that name fixtures, HA103 derives it from the fixture.)
    """,
)

MISSING_FIXTURE_ANNOTATION_DOC = RuleDoc(
    code=MISSING_FIXTURE_ANNOTATION,
    name="missing-fixture-annotation",
    what_it_does="""
    Checks that every parameter of a test function, and of a pytest fixture, that names a
    fixture has a type annotation. Off by default. With HA102 also selected, such a parameter
    gets HA103 only.

    Tests are pytest's defaults: functions named `test*` at module level and methods named
    `test*` of `Test*` classes, in files named `test_*.py` or `*_test.py`. Fixtures are
    functions decorated `@pytest.fixture` (or `@fixture`, `@pytest_asyncio.fixture`), under the
    name given by `name=` if any, in those files and in `conftest.py` files (elsewhere nobody
    knows which tests will request them).

    A parameter names a fixture the way pytest resolves it, nearest first: a fixture of the
    test's class, of its module, of the `conftest.py` in its directory and in every directory
    above it up to the root of the tree (in Pants, the build root; only conftests that a target
    owns, as pytest under Pants sees them), then pytest's built-ins (`tmp_path`,
    `monkeypatch`, `capsys`, `caplog`, `request`, ...). A fixture requesting its own name gets
    the definition further out. Parameters pytest doesn't fill with fixtures are not reported:
    those with a default, `self`/`cls`, those a `mock.patch` decorator fills, and the argument
    names of a `@pytest.mark.parametrize` on the test, its class or the module's `pytestmark`
    (unless `indirect`). `@pytest.mark.usefixtures` names no parameter: nothing to annotate.
    """
    + _NOQA_NOTE.format(code=MISSING_FIXTURE_ANNOTATION)
    + """
    ruff's ANN001 reports the same parameters among all others, with no fix.
    """,
    why_is_this_bad="""
    A test body works with its fixtures; unannotated, they are `Any` and the body isn't
    type-checked against what the fixtures provide.
    """,
    example="""
    # conftest.py
    @pytest.fixture
    def db() -> Iterator[Session]:
        ...

    # test_orders.py
    def test_order(db, tmp_path) -> None:
        ...
    """,
    use_instead="""
    from pathlib import Path

    from sqlalchemy.orm import Session

    def test_order(db: Session, tmp_path: Path) -> None:
        ...
    """,
    options=(_SELECT_OPTION, _SKIP_OPTION),
    fix_safety="""
    The fix writes the type the fixture provides, taken from the fixture's own return
    annotation, and adds the imports it needs; never a guess:
    - `-> T` gives `T`; a generator fixture's `Iterator[T]`, `Iterable[T]`,
      `Generator[T, ...]`, `AsyncIterator[T]`, `AsyncGenerator[T, ...]` (from `typing` or
      `collections.abc`) gives `T`; a string annotation is read as the expression it holds.
      pytest's built-ins get their public types: `tmp_path: Path`,
      `monkeypatch: pytest.MonkeyPatch`, `capsys: pytest.CaptureFixture[str]`,
      `request: pytest.FixtureRequest`, `caplog: pytest.LogCaptureFixture`, ... (`tmpdir` has
      none: reported, not fixed); `tmp_path: pathlib.Path` where `Path` means something else.
    - The imports are the ones the fixture's module uses for those names, written the same way
      (`from sqlalchemy.orm import Session`), merged into the file's imports; a relative one
      only when the test is in the fixture module's own directory. Run with the import-style
      rule in the same `pants fix` to get them in its style.
    - Postponed annotations: when the fixture's module has `from __future__ import
      annotations` and the test file doesn't, an annotation that needs newer Python at runtime
      (`X | None`, `list[int]`) is written as a string.
    Reported without a fix (the message says why): a fixture without return annotation;
    several definitions at the nearest level of different types; a name the fixture's module
    imports only under `TYPE_CHECKING` (importing it at runtime could fail or cycle), defines
    itself in a `conftest.py` (pytest's conftests are not meant to be imported), or binds more
    than once; a name the test file binds to something else, or two fixtures needing the same
    name from different places; a name the test module binds other than as a fixture (it may
    import a fixture of unknown type); a `conftest.py` on the way that can't be parsed; a
    parameter a `pytest_generate_tests` hook in scope may parametrize; a fixture's parameter
    that a test of its module parametrizes, or that a class of its module overrides with
    another type; any parameter of a fixture defined in a `conftest.py`: pytest resolves it
    from each requesting test, so an override of that name further down (a fixture or a
    direct parametrization, out of the file's sight) may hand it another type.
    Files of syntax newer than the checker's interpreter are not checked for HA103. The fix is
    tested against pytest itself: on generated test trees, every annotated argument of every
    test and fixture holds an instance of its annotation at run time, and mypy reports no new
    error.
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

CANNOT_FIX_FILE_DOC = RuleDoc(
    code=CANNOT_FIX_FILE,
    name="file-not-fixable",
    what_it_does="""
    Reports, as a warning, a file whose fixable findings could not be fixed: libcst can't
    rewrite it, the fixed file would not compile, or it can't be written. The file is left as
    it was, and its findings are still reported. The same shape as the import check's HI105.
    """,
    why_is_this_bad="""
    The file keeps its findings; a fix that silently changed other code, or broke the file,
    would be worse.
    """,
    example="""
    def f():  # a fix libcst can't make faithfully
        print(1)
    """,
    use_instead="""
    def f() -> None:  # annotated by hand
        print(1)
    """,
    fix_safety="""
    There is no fix: it is the report of one that couldn't be made.
    """,
    # Until issue 22 a fix that couldn't be made was a warning with the cannot-check code.
    former_codes=(CANNOT_CHECK_FILE,),
)

RULE_DOCS: Tuple[RuleDoc, ...] = (
    MISSING_RETURN_ANNOTATION_DOC,
    MISSING_PARAMETER_ANNOTATION_DOC,
    MISSING_FIXTURE_ANNOTATION_DOC,
    CANNOT_CHECK_FILE_DOC,
    CANNOT_FIX_FILE_DOC,
)
