"""The libcst front end: functions in source the running interpreter's `ast` can't parse.

libcst's parser knows the newest grammar whatever interpreter runs it (PEP 695 generics on
3.11, `match` on 3.9), at roughly ten times the cost of `ast`, so it is only used for such
files. It reports what `ast_functions` reports, in the same units (1-based lines, 1-based
character columns).
"""

from __future__ import annotations

from typing import Callable, FrozenSet, List, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from ..source import SourceError
from .functions import (
    METHOD_DECORATORS,
    FunctionView,
    Parameter,
    SourceLines,
    signature_end_line,
)

_PositionOf = Callable[[cst.CSTNode], CodeRange]


def parse_cst(path: str, source: Union[str, bytes]) -> cst.Module:
    """libcst's parse, failing the way every checker fails: with a SourceError."""
    try:
        return cst.parse_module(source)
    except cst.ParserSyntaxError as e:
        reason = f"syntax error: {e.message}"
        raise SourceError(path, e.editor_line, e.editor_column, reason) from None


def cst_functions(module: cst.Module, lines: SourceLines) -> List[FunctionView]:
    """Every function in the module, nested ones included."""
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    collector = _FunctionCollector(positions.__getitem__, lines)
    module.visit(collector)
    return collector.functions


class _FunctionCollector(cst.CSTVisitor):
    def __init__(self, position: _PositionOf, lines: SourceLines) -> None:
        super().__init__()
        self._position = position
        self._lines = lines
        self.functions: List[FunctionView] = []
        # Innermost scope last: True for a class body, False for a function body.
        self._in_class: List[bool] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return False  # Functions are compound statements: none below a simple one.

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._in_class.append(True)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._in_class.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        is_method = bool(self._in_class) and self._in_class[-1]
        self.functions.append(_CstFunction(node, is_method, self._position, self._lines))
        self._in_class.append(False)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._in_class.pop()


class _CstFunction(FunctionView):
    def __init__(
        self,
        node: cst.FunctionDef,
        is_method: bool,
        position: _PositionOf,
        lines: SourceLines,
    ) -> None:
        self._node = node
        self._position = position
        self._lines = lines
        start = position(node).start
        self.name = node.name.value
        self.line = start.line
        self.col = start.column + 1
        self.is_method = is_method
        self.has_return_annotation = node.returns is not None

    def method_decorators(self) -> FrozenSet[str]:
        names = (_builtin_name(decorator.decorator) for decorator in self._node.decorators)
        return frozenset(names) & METHOD_DECORATORS

    def parameters(self) -> Tuple[Parameter, ...]:
        params = self._node.params
        parameters = [
            self._parameter(param, "", positional=True)
            for param in (*params.posonly_params, *params.params)
        ]
        if isinstance(params.star_arg, cst.Param):
            parameters.append(self._parameter(params.star_arg, "*", positional=False))
        parameters.extend(
            self._parameter(param, "", positional=False) for param in params.kwonly_params
        )
        if params.star_kwarg is not None:
            parameters.append(self._parameter(params.star_kwarg, "**", positional=False))
        return tuple(parameters)

    def _parameter(self, param: cst.Param, stars: str, positional: bool) -> Parameter:
        start = self._position(param.name).start
        return Parameter(
            name=stars + param.name.value,
            line=start.line,
            col=start.column + 1,
            annotated=param.annotation is not None,
            positional=positional,
        )

    def signature_lines(self) -> Tuple[int, int]:
        node = self._node
        first = self._position(node.decorators[0]).start.line if node.decorators else self.line
        # The parameters (inside the brackets) or the return annotation, whichever comes last.
        end = self._position(node.returns if node.returns else node.params).end
        return first, signature_end_line(self._lines, end.line, end.column)

    def none_return_is_provable(self) -> bool:
        if all(_is_placeholder_or_raise(statement) for statement in _small_statements(self._node)):
            return False
        scope = _ScopeScanner()
        self._node.body.visit(scope)
        return not scope.returns_value and not scope.yields


def _builtin_name(expression: cst.BaseExpression) -> Optional[str]:
    """`name` for `name` or `builtins.name`."""
    if isinstance(expression, cst.Name):
        return expression.value
    if (
        isinstance(expression, cst.Attribute)
        and isinstance(expression.value, cst.Name)
        and expression.value.value == "builtins"
    ):
        return expression.attr.value
    return None


def _small_statements(
    node: cst.FunctionDef,
) -> Sequence[Union[cst.BaseSmallStatement, cst.BaseCompoundStatement]]:
    """The body's top-level statements, `a; b` lines flattened as `ast` sees them."""
    body = node.body
    if isinstance(body, cst.SimpleStatementSuite):
        return body.body
    statements: List[Union[cst.BaseSmallStatement, cst.BaseCompoundStatement]] = []
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            statements.extend(statement.body)
        else:
            statements.append(statement)
    return statements


def _is_placeholder_or_raise(
    statement: Union[cst.BaseSmallStatement, cst.BaseCompoundStatement],
) -> bool:
    if isinstance(statement, (cst.Pass, cst.Raise)):
        return True
    return isinstance(statement, cst.Expr) and (
        isinstance(statement.value, cst.Ellipsis) or _is_text_literal(statement.value)
    )


def _is_text_literal(expression: cst.BaseExpression) -> bool:
    """A str literal, implicitly concatenated or not, as `ast` would fold it into a Constant."""
    if isinstance(expression, cst.SimpleString):
        return "b" not in expression.prefix.lower()
    if isinstance(expression, cst.ConcatenatedString):
        return _is_text_literal(expression.left) and _is_text_literal(expression.right)
    return False


class _ScopeScanner(cst.CSTVisitor):
    """`return <value>` and `yield` in one function's own scope (see `ast_functions._yields`)."""

    def __init__(self) -> None:
        super().__init__()
        self.returns_value = False
        self.yields = False

    def visit_Return(self, node: cst.Return) -> None:
        value = node.value
        if value is not None and not (isinstance(value, cst.Name) and value.value == "None"):
            self.returns_value = True

    def visit_Yield(self, node: cst.Yield) -> None:
        self.yields = True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._visit_all([*node.decorators, node.params, *([node.returns] if node.returns else [])])
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._visit_all([*node.decorators, *node.bases, *node.keywords])
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        node.params.visit(self)
        return False

    def _visit_all(self, nodes: Sequence[cst.CSTNode]) -> None:
        for node in nodes:
            node.visit(self)
