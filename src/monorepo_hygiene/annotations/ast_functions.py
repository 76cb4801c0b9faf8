"""The fast front end: functions as the running interpreter's `ast` sees them.

Only statements are walked to find functions (a `def` is always a statement), never
expressions: walking every node in Python would cost as much as the C parser itself. Bodies
are inspected for `return`/`yield` only for functions that lack a return annotation.
"""

from __future__ import annotations

import ast
from typing import FrozenSet, Iterator, List, Optional, Sequence, Tuple, Union

from .functions import (
    METHOD_DECORATORS,
    FunctionView,
    Parameter,
    SourceLines,
    decorator_start_line,
    signature_end_line,
)

_FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)

# Statement fields that hold nested statement blocks. Handlers (try) and cases (match) hold
# blocks one level down. TryStar and Match exist only on newer interpreters.
_BLOCK_FIELDS = {
    ast.If: ("body", "orelse"),
    ast.For: ("body", "orelse"),
    ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body", "orelse", "finalbody"),
}
if hasattr(ast, "TryStar"):
    _BLOCK_FIELDS[ast.TryStar] = ("body", "orelse", "finalbody")
if hasattr(ast, "Match"):
    _BLOCK_FIELDS[ast.Match] = ()


def ast_functions(module: ast.Module, lines: SourceLines) -> List[FunctionView]:
    """Every function in the module, nested ones included."""
    functions: List[FunctionView] = []
    pending: List[Tuple[Sequence[ast.stmt], bool]] = [(module.body, False)]
    while pending:
        statements, in_class = pending.pop()
        for statement in statements:
            if isinstance(statement, _FUNCTION_TYPES):
                functions.append(_AstFunction(statement, in_class, lines))
                pending.append((statement.body, False))
            elif isinstance(statement, ast.ClassDef):
                pending.append((statement.body, True))
            elif type(statement) in _BLOCK_FIELDS:
                pending.extend((block, in_class) for block in _blocks(statement))
    return functions


def _blocks(statement: ast.stmt) -> Iterator[Sequence[ast.stmt]]:
    for field in _BLOCK_FIELDS[type(statement)]:
        yield getattr(statement, field)
    for clause in getattr(statement, "handlers", None) or getattr(statement, "cases", ()):
        yield clause.body


class _AstFunction(FunctionView):
    def __init__(self, node: _FunctionNode, is_method: bool, lines: SourceLines) -> None:
        self._node = node
        self._lines = lines
        self.name = node.name
        self.line = node.lineno
        self.col = node.col_offset + 1  # Only indentation precedes `def`: bytes == characters.
        self.is_method = is_method
        self.has_return_annotation = node.returns is not None

    def method_decorators(self) -> FrozenSet[str]:
        return frozenset(map(_builtin_name, self._node.decorator_list)) & METHOD_DECORATORS

    def parameters(self) -> Tuple[Parameter, ...]:
        arguments = self._node.args
        parameters = [
            self._parameter(argument, "", positional=True)
            for argument in (*arguments.posonlyargs, *arguments.args)
        ]
        if arguments.vararg:
            parameters.append(self._parameter(arguments.vararg, "*", positional=False))
        parameters.extend(
            self._parameter(argument, "", positional=False) for argument in arguments.kwonlyargs
        )
        if arguments.kwarg:
            parameters.append(self._parameter(arguments.kwarg, "**", positional=False))
        return tuple(parameters)

    def _parameter(self, argument: ast.arg, stars: str, positional: bool) -> Parameter:
        return Parameter(
            name=stars + argument.arg,
            line=argument.lineno,
            col=self._character_col(argument.lineno, argument.col_offset) + 1,
            annotated=argument.annotation is not None,
            positional=positional,
        )

    def _character_col(self, line: int, utf8_col: int) -> int:
        # `ast` counts columns in UTF-8 bytes; findings count characters, as libcst and ruff do.
        return len(self._lines[line].encode("utf-8")[:utf8_col].decode("utf-8"))

    def signature_lines(self) -> Tuple[int, int]:
        node = self._node
        decorators = node.decorator_list
        first = decorator_start_line(self._lines, decorators[0].lineno) if decorators else self.line
        elements: List[ast.AST] = [
            *getattr(node, "type_params", ()),
            *ast.iter_child_nodes(node.args),
            *([node.returns] if node.returns else []),
        ]
        if not elements:
            return first, signature_end_line(self._lines, node.lineno, node.col_offset)
        end_line, end_utf8_col = max(
            (element.end_lineno or 0, element.end_col_offset or 0) for element in elements
        )
        start_col = self._character_col(end_line, end_utf8_col)
        return first, signature_end_line(self._lines, end_line, start_col)

    def none_return_is_provable(self) -> bool:
        body = self._node.body
        if all(_is_placeholder_or_raise(statement) for statement in body):
            return False
        return not _returns_value(body) and not _yields(body)


def _builtin_name(expression: ast.expr) -> Optional[str]:
    """`name` for `name` or `builtins.name`."""
    if isinstance(expression, ast.Name):
        return expression.id
    if (
        isinstance(expression, ast.Attribute)
        and isinstance(expression.value, ast.Name)
        and expression.value.id == "builtins"
    ):
        return expression.attr
    return None


def _is_placeholder_or_raise(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Pass, ast.Raise)):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        value = statement.value.value
        return isinstance(value, str) or value is Ellipsis
    return False


def _returns_value(body: Sequence[ast.stmt]) -> bool:
    """A `return <value>` other than `return None`, in this function's own scope."""
    pending: List[Sequence[ast.stmt]] = [body]
    while pending:
        for statement in pending.pop():
            if isinstance(statement, ast.Return) and not _is_none(statement.value):
                return True
            elif type(statement) in _BLOCK_FIELDS:
                pending.extend(_blocks(statement))
    return False


def _is_none(value: Optional[ast.expr]) -> bool:
    return value is None or (isinstance(value, ast.Constant) and value.value is None)


def _yields(body: Sequence[ast.stmt]) -> bool:
    """A `yield`/`yield from` that makes this function a generator.

    Nested functions, lambdas and classes have scopes of their own, but their decorators,
    defaults, annotations and bases are evaluated in this one, so those are searched.
    """
    pending: List[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, _FUNCTION_TYPES):
            pending.extend(node.decorator_list)
            pending.append(node.args)
            pending.extend([node.returns] if node.returns else [])
        elif isinstance(node, ast.ClassDef):
            pending.extend([*node.decorator_list, *node.bases, *node.keywords])
        elif isinstance(node, ast.Lambda):
            pending.append(node.args)
        else:
            pending.extend(ast.iter_child_nodes(node))
    return False
