"""The fast front end: functions as the running interpreter's `ast` sees them.

Only statements are walked to find functions (a `def` is always a statement), never
expressions: walking every node in Python would cost as much as the C parser itself. Bodies
are inspected for `return`/`yield` only for functions that lack a return annotation.
"""

from __future__ import annotations

import ast
import collections
import itertools
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple, Union

from ..ast_blocks import COMPOUND_TYPES, MATCH_TYPES, TRY_TYPES, inner_blocks
from .functions import (
    OTHER_FLOW,
    BodyFacts,
    ClassView,
    Flow,
    FunctionView,
    ModuleView,
    NameBindings,
    Parameter,
    SourceLines,
    decorator_start_line,
    signature_end_line,
)

_FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)


def ast_functions(module: ast.Module, lines: SourceLines) -> ModuleView:
    """Every function and class in the module, nested ones included."""
    return _AstModule(module, lines)


class _AstModule(ModuleView):
    def __init__(self, module: ast.Module, lines: SourceLines) -> None:
        self._module = module
        self.functions = []
        self.classes = []
        scopes = itertools.count()
        # Each body with its scope key, the class whose body it is, and whether it's the module.
        pending: List[Tuple[Sequence[ast.stmt], int, Optional[ClassView], bool]] = [
            (module.body, next(scopes), None, True)
        ]
        while pending:
            statements, scope, owner, module_level = pending.pop()
            for statement in statements:
                if isinstance(statement, _FUNCTION_TYPES):
                    self.functions.append(
                        _AstFunction(statement, owner, module_level, scope, lines)
                    )
                    pending.append((statement.body, next(scopes), None, False))
                elif isinstance(statement, ast.ClassDef):
                    cls = ClassView(
                        name=statement.name,
                        module_level=module_level,
                        bases=tuple(
                            dotted_name(base) if not isinstance(base, ast.Starred) else None
                            for base in statement.bases
                        ),
                        other_bindings=_class_body_bindings(statement),
                    )
                    self.classes.append(cls)
                    pending.append((statement.body, next(scopes), cls, False))
                elif type(statement) in COMPOUND_TYPES:
                    pending.extend(
                        (block, scope, owner, module_level) for block in inner_blocks(statement)
                    )

    def name_bindings(self) -> NameBindings:
        counts: collections.Counter[str] = collections.Counter()
        star_import = False
        for node in ast.walk(self._module):
            for name in _bound_names(node):
                if name == "*":
                    star_import = True
                else:
                    counts[name] += 1
        return NameBindings(counts, star_import, _module_imports(self._module))


def _module_imports(module: ast.Module) -> Dict[str, str]:
    """See `NameBindings.module_imports`."""
    imports: Dict[str, str] = {}
    for statement in module.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                head = alias.name.partition(".")[0]
                imports[alias.asname or head] = alias.name if alias.asname else head
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            for alias in statement.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
    return imports


def _bound_names(node: ast.AST) -> Iterator[str]:
    """The names this node itself binds (`*` for a star import)."""
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            yield node.id
    elif isinstance(node, (*_FUNCTION_TYPES, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, ast.alias):
        yield node.asname or node.name.partition(".")[0]
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        yield from node.names
    else:
        # except handlers, match captures (`case x`, `*rest`, `**rest`), PEP 695 type params.
        for field in ("name", "rest"):
            value = getattr(node, field, None)
            if isinstance(value, str):
                yield value


def _class_body_bindings(node: ast.ClassDef) -> FrozenSet[str]:
    """What `ClassView.other_bindings` says: names the class body binds other than by a
    `def` (whose bodies, like lambdas', are scopes of their own); a nested class's name."""
    names: Set[str] = set()
    pending: List[ast.AST] = list(node.body)
    while pending:
        child = pending.pop()
        if isinstance(child, (*_FUNCTION_TYPES, ast.Lambda)):
            continue
        if isinstance(child, ast.ClassDef):
            names.add(child.name)
            continue
        names.update(_bound_names(child))
        pending.extend(ast.iter_child_nodes(child))
    return frozenset(names)


class _AstFunction(FunctionView):
    def __init__(
        self,
        node: _FunctionNode,
        owner: Optional[ClassView],
        module_level: bool,
        scope: int,
        lines: SourceLines,
    ) -> None:
        self._node = node
        self._lines = lines
        self.name = node.name
        self.line = node.lineno
        self.col = node.col_offset + 1  # Only indentation precedes `def`: bytes == characters.
        self.owner = owner
        self.module_level = module_level
        self.scope = scope
        self.has_return_annotation = node.returns is not None

    def decorator_names(self) -> Tuple[Optional[str], ...]:
        return tuple(map(dotted_name, self._node.decorator_list))

    def return_annotation_name(self) -> Optional[str]:
        returns = self._node.returns
        if isinstance(returns, ast.Constant):
            return "None" if returns.value is None else _text(returns.value)
        return dotted_name(returns) if returns is not None else None

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

    def body_facts(self) -> BodyFacts:
        body = self._node.body
        return BodyFacts(
            returns_value=_returns_value(body),
            yields=_yields(body),
            placeholder_only=all(map(_is_placeholder, body)),
            flow=_flow(body),
        )


def dotted_name(expression: Optional[ast.expr]) -> Optional[str]:
    """`a.b.c` for a name or a chain of attributes on one; None for any other expression."""
    if isinstance(expression, ast.Name):
        return expression.id
    if isinstance(expression, ast.Attribute):
        value = dotted_name(expression.value)
        return f"{value}.{expression.attr}" if value else None
    return None


def _text(value: object) -> Optional[str]:
    # A string annotation (`-> "NoReturn"`) names a type just as the bare name does.
    return value.strip() if isinstance(value, str) else None


def _is_placeholder(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Return):
        return statement.value is None or (
            isinstance(statement.value, ast.Constant) and statement.value.value is None
        )
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        value = statement.value.value
        return isinstance(value, str) or value is Ellipsis
    return False


_SIMPLE_FLOWS = {
    ast.Raise: Flow("raise"),
    ast.Return: Flow("return"),
    ast.Break: Flow("break"),
    ast.Continue: Flow("continue"),
}


def _flow(statements: Sequence[ast.stmt]) -> Tuple[Flow, ...]:
    return tuple(map(_statement_flow, statements))


def _statement_flow(statement: ast.stmt) -> Flow:
    simple = _SIMPLE_FLOWS.get(type(statement))
    if simple is not None:
        return simple
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = dotted_name(statement.value.func)
        return Flow("call", call=call) if call else OTHER_FLOW
    if isinstance(statement, ast.Assert):
        test = statement.test
        is_false = isinstance(test, ast.Constant) and test.value is False
        return Flow("assert_false") if is_false else OTHER_FLOW
    if isinstance(statement, ast.If):
        return Flow("if", (_flow(statement.body), _flow(statement.orelse)))
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        return Flow("loop", (_flow(statement.body), _flow(statement.orelse)))
    if isinstance(statement, ast.While):
        test = statement.test
        # `while True:`/`while 1:` ends only by `break`.
        infinite = (
            isinstance(test, ast.Constant) and type(test.value) in (bool, int) and test.value == 1
        )
        return Flow("loop", (_flow(statement.body), _flow(statement.orelse)), infinite=infinite)
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return Flow("with", (_flow(statement.body),))
    if isinstance(statement, TRY_TYPES):
        blocks = (statement.body, statement.orelse, statement.finalbody)
        handlers = (handler.body for handler in statement.handlers)
        return Flow("try", tuple(map(_flow, (*blocks, *handlers))))
    if isinstance(statement, MATCH_TYPES):
        return Flow("match", tuple(_flow(case.body) for case in statement.cases))
    return OTHER_FLOW


def _returns_value(body: Sequence[ast.stmt]) -> bool:
    """A `return <value>` other than `return None`, in this function's own scope."""
    pending: List[Sequence[ast.stmt]] = [body]
    while pending:
        for statement in pending.pop():
            if isinstance(statement, ast.Return) and not _is_none(statement.value):
                return True
            elif type(statement) in COMPOUND_TYPES:
                pending.extend(inner_blocks(statement))
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
