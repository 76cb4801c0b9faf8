"""The rule: every function has a return annotation (HA101) and, optionally, annotated
parameters (HA102) and annotated fixture parameters in tests (HA103, see `fixture_scope`).

Detection uses the stdlib `ast` of the running interpreter (about the cost of `ast.parse`);
libcst reads only files whose syntax that `ast` doesn't know (see `source.parse_module`).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Tuple

from ..findings import Finding
from ..noqa import is_suppressed
from ..source import NewerSyntax, decode_source, parse_module
from .ast_functions import ast_functions
from .codes import (
    MISSING_FIXTURE_ANNOTATION,
    MISSING_PARAMETER_ANNOTATION,
    MISSING_RETURN_ANNOTATION,
)
from .fixture_plan import FixtureAnnotation, plan_fixture_annotations
from .fixtures import FixtureModule
from .functions import FunctionView, ModuleView, Parameter, SourceLines
from .options import DEFAULT_OPTIONS, AnnotationOptions
from .provable import NoneReturnJudge

if TYPE_CHECKING:
    import libcst

# The conftest.py files a file sees, nearest first: (path, its fixtures or None if unreadable).
Conftests = Sequence[Tuple[str, Optional[FixtureModule]]]
# HA103's plan for a file, by (line of the `def`, parameter name).
FixturePlan = Dict[Tuple[int, str], FixtureAnnotation]

# A cheap look at the raw bytes spares files without any noqa comment the line-by-line search.
_NOQA_HINT = re.compile(rb"noqa", re.IGNORECASE)


def check_source(
    path: str,
    content: bytes,
    options: AnnotationOptions = DEFAULT_OPTIONS,
    conftests: Conftests = (),
) -> Tuple[Finding, ...]:
    """The file's findings, sorted. Raises SourceError for undecodable or unparseable files.

    `conftests` are those the file sees (HA103); see `fixture_plan`.
    """
    return check_source_and_plan(path, content, options, conftests)[0]


def check_source_and_plan(
    path: str,
    content: bytes,
    options: AnnotationOptions = DEFAULT_OPTIONS,
    conftests: Conftests = (),
) -> Tuple[Tuple[Finding, ...], FixturePlan]:
    """`check_source`'s findings and the HA103 plan they come from (empty unless HA103 is
    selected and `ast` reads the file): the fix writes what the check planned, planned once."""
    parsed = parse_module(path, content)
    if isinstance(parsed, NewerSyntax):
        return check_source_with_libcst(path, content, options, parsed.module), {}
    lines = SourceLines(lambda: decode_source(path, content))
    plan = fixture_plan(path, parsed, lines, conftests) if _checks_fixtures(options) else {}
    return _findings(path, content, ast_functions(parsed, lines), lines, options, plan), plan


def fixture_plan(
    path: str, parsed: ast.Module, lines: SourceLines, conftests: Conftests
) -> FixturePlan:
    """HA103's findings-to-be and fixes for a parsed file (empty unless it is a test module or
    a conftest.py)."""
    return plan_fixture_annotations(FixtureModule(path, parsed, lines.text()), conftests)


def _checks_fixtures(options: AnnotationOptions) -> bool:
    return MISSING_FIXTURE_ANNOTATION in options.select


def check_source_with_libcst(
    path: str,
    content: bytes,
    options: AnnotationOptions = DEFAULT_OPTIONS,
    tree: Optional["libcst.Module"] = None,
) -> Tuple[Finding, ...]:
    """`check_source` with libcst's parser, whether or not the running `ast` could parse it
    (`tree`: the file's libcst tree, if `parse_module` made one).

    `check_source` calls it for syntax newer than the interpreter; tests call it directly to
    show both paths agree.
    """
    # Imported here: the fast path never pays for libcst.
    from .cst_functions import cst_functions, parse_cst

    text = decode_source(path, content)
    lines = SourceLines(lambda: text)
    module = cst_functions(parse_cst(path, text) if tree is None else tree, lines)
    # HA103 reads fixtures with `ast` only: a file the running `ast` can't parse isn't checked.
    return _findings(path, content, module, lines, options, {})


def none_return_reasons(path: str, content: bytes) -> Dict[Tuple[int, int], Optional[str]]:
    """For each function without a return annotation, by (line, column): why `-> None` is not
    provable (`provable`'s reasons), or None when it is. For tests and corpus counts."""
    parsed = parse_module(path, content)
    if isinstance(parsed, NewerSyntax):
        from .cst_functions import cst_functions

        lines = SourceLines(lambda: parsed.text)
        module = cst_functions(parsed.module, lines)
    else:
        module = ast_functions(parsed, SourceLines(lambda: decode_source(path, content)))
    judge = NoneReturnJudge(module)
    return {
        (function.line, function.col): judge.reason(function)
        for function in module.functions
        if not function.has_return_annotation
    }


def _findings(
    path: str,
    content: bytes,
    module: ModuleView,
    lines: SourceLines,
    options: AnnotationOptions,
    plan: FixturePlan,
) -> Tuple[Finding, ...]:
    may_have_noqa = _NOQA_HINT.search(content) is not None
    findings: List[Finding] = []
    judge = NoneReturnJudge(module)
    for function in module.functions:
        function_findings = list(_function_findings(path, function, judge, options, plan))
        if function_findings and may_have_noqa:
            first, last = function.signature_lines()
            signature = [lines[line] for line in range(first, last + 1)]
            function_findings = [
                finding
                for finding in function_findings
                if not is_suppressed(finding.code, signature)
            ]
        findings.extend(function_findings)
    return tuple(sorted(findings))


def _function_findings(
    path: str,
    function: FunctionView,
    judge: NoneReturnJudge,
    options: AnnotationOptions,
    plan: FixturePlan,
) -> Iterator[Finding]:
    if MISSING_RETURN_ANNOTATION in options.select and _needs_return_annotation(function, options):
        yield Finding(
            path,
            function.line,
            function.col,
            MISSING_RETURN_ANNOTATION,
            f"Missing return annotation for function `{function.name}`",
            fixable=not path.endswith(".pyi") and judge.reason(function) is None,
        )
    for parameter in _checked_parameters(function):
        if parameter.annotated:
            continue
        fixture = plan.get((function.line, parameter.name))
        if fixture is not None:
            # More precise than HA102, which it replaces for this parameter.
            yield Finding(
                path,
                parameter.line,
                parameter.col,
                MISSING_FIXTURE_ANNOTATION,
                f"Missing type annotation for fixture `{parameter.name}` "
                f"in function `{function.name}`"
                + (f" (no fix: {fixture.reason})" if fixture.reason else ""),
                fixable=fixture.text is not None,
            )
        elif MISSING_PARAMETER_ANNOTATION in options.select:
            yield Finding(
                path,
                parameter.line,
                parameter.col,
                MISSING_PARAMETER_ANNOTATION,
                f"Missing type annotation for parameter `{parameter.name}` "
                f"in function `{function.name}`",
            )


def _needs_return_annotation(function: FunctionView, options: AnnotationOptions) -> bool:
    if function.has_return_annotation:
        return False
    if options.allow_init_without_return and _is_plain_init(function):
        return not any(parameter.annotated for parameter in _checked_parameters(function))
    return True


def _is_plain_init(function: FunctionView) -> bool:
    # A `@staticmethod`/`@classmethod` `__init__` is no initializer: mypy's leniency (and
    # ruff's `mypy-init-return`) don't extend to it.
    return function.is_method and function.name == "__init__" and not function.method_decorators()


def _checked_parameters(function: FunctionView) -> Tuple[Parameter, ...]:
    """The parameters that need annotations: all but a method's `self` or `cls`.

    That is the first positional parameter of a method not decorated `@staticmethod`, whatever
    its name (`mcs`, `klass`, ...): the type checker infers its type.
    """
    parameters = function.parameters()
    if (
        function.is_method
        and parameters
        and parameters[0].positional
        and "staticmethod" not in function.method_decorators()
    ):
        return parameters[1:]
    return parameters
