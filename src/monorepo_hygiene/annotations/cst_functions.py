"""The libcst front end: functions in source the running interpreter's `ast` can't parse.

libcst's parser knows the newest grammar whatever interpreter runs it (PEP 695 generics on
3.11, `match` on 3.9), at roughly ten times the cost of `ast`, so it is only used for such
files. It reports what `ast_functions` reports, in the same units (1-based lines, 1-based
character columns).
"""

from __future__ import annotations

import ast
import collections
import itertools
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from ..source import SourceError
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


def cst_functions(module: cst.Module, lines: SourceLines) -> ModuleView:
    """Every function and class in the module, nested ones included."""
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    collector = _FunctionCollector(positions.__getitem__, lines)
    module.visit(collector)
    return _CstModule(module, collector.functions, collector.classes)


class _CstModule(ModuleView):
    def __init__(
        self, module: cst.Module, functions: List[FunctionView], classes: List[ClassView]
    ) -> None:
        self._module = module
        self.functions = functions
        self.classes = classes

    def name_bindings(self) -> NameBindings:
        collector = _BindingCollector(into_scopes=True)
        self._module.visit(collector)
        counts = collections.Counter(name for name in collector.names if name != "*")
        return NameBindings(counts, "*" in collector.names, _module_imports(self._module))


def _module_imports(module: cst.Module) -> Dict[str, str]:
    """See `NameBindings.module_imports` (and `ast_functions._module_imports`)."""
    imports: Dict[str, str] = {}
    for line in module.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for statement in line.body:
            if isinstance(statement, cst.Import):
                for alias in statement.names:
                    target = _dotted(alias.name)
                    asname = alias.asname.name if alias.asname else None
                    if target is None:
                        continue
                    head = target.partition(".")[0]
                    if isinstance(asname, cst.Name):
                        imports[asname.value] = target
                    elif asname is None:
                        imports[head] = head
            elif (
                isinstance(statement, cst.ImportFrom)
                and not statement.relative
                and statement.module is not None
                and not isinstance(statement.names, cst.ImportStar)
            ):
                module_name = _dotted(statement.module)
                for alias in statement.names:
                    name = _dotted(alias.name)
                    asname = alias.asname.name if alias.asname else None
                    if module_name and name and (asname is None or isinstance(asname, cst.Name)):
                        local = asname.value if isinstance(asname, cst.Name) else name
                        imports[local] = f"{module_name}.{name}"
    return imports


class _FunctionCollector(cst.CSTVisitor):
    def __init__(self, position: _PositionOf, lines: SourceLines) -> None:
        super().__init__()
        self._position = position
        self._lines = lines
        self.functions: List[FunctionView] = []
        self.classes: List[ClassView] = []
        self._scope_keys = itertools.count()
        # Innermost scope last: its key, and its class when it is a class body.
        self._scopes: List[Tuple[int, Optional[ClassView]]] = [(next(self._scope_keys), None)]

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        return False  # Functions are compound statements: none below a simple one.

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        cls = ClassView(
            name=node.name.value,
            module_level=len(self._scopes) == 1,
            bases=tuple(_dotted(arg.value) if not arg.star else None for arg in node.bases),
            other_bindings=_class_body_bindings(node),
        )
        self.classes.append(cls)
        self._scopes.append((next(self._scope_keys), cls))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope, owner = self._scopes[-1]
        module_level = len(self._scopes) == 1
        self.functions.append(
            _CstFunction(node, owner, module_level, scope, self._position, self._lines)
        )
        self._scopes.append((next(self._scope_keys), None))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._scopes.pop()


def _class_body_bindings(node: cst.ClassDef) -> FrozenSet[str]:
    """See `ast_functions._class_body_bindings`."""
    collector = _BindingCollector(into_scopes=False)
    node.body.visit(collector)
    return frozenset(collector.names)


class _BindingCollector(cst.CSTVisitor):
    """The names bound in a tree, as `ast_functions._bound_names` finds them.

    With `into_scopes` false (a class body): not inside functions and lambdas, and a nested
    class only by its name.
    """

    def __init__(self, into_scopes: bool) -> None:
        super().__init__()
        self._into_scopes = into_scopes
        self.names: List[str] = []

    def _targets(self, target: Optional[cst.BaseExpression]) -> None:
        if isinstance(target, cst.Name):
            self.names.append(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._targets(element.value)
        elif isinstance(target, cst.StarredElement):
            self._targets(target.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if self._into_scopes:
            self.names.append(node.name.value)
        return self._into_scopes

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return self._into_scopes

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.append(node.name.value)
        return self._into_scopes

    def visit_Param(self, node: cst.Param) -> None:
        self.names.append(node.name.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._targets(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._targets(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._targets(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._targets(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._targets(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._targets(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._targets(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        # `import a as b`, `with x as b`, `except E as b`.
        self._targets(node.name)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is None:
            name: cst.BaseExpression = node.name
            while isinstance(name, cst.Attribute):
                name = name.value
            self._targets(name)

    def visit_ImportStar(self, node: cst.ImportStar) -> None:
        self.names.append("*")

    def visit_Global(self, node: cst.Global) -> None:
        self.names.extend(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.names.extend(item.name.value for item in node.names)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        self._targets(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        self._targets(node.name)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        self._targets(node.rest)

    def visit_TypeParam(self, node: cst.TypeParam) -> None:
        self._targets(node.param.name)

    def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
        self._targets(node.name)


class _CstFunction(FunctionView):
    def __init__(
        self,
        node: cst.FunctionDef,
        owner: Optional[ClassView],
        module_level: bool,
        scope: int,
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
        self.owner = owner
        self.module_level = module_level
        self.scope = scope
        self.has_return_annotation = node.returns is not None

    def decorator_names(self) -> Tuple[Optional[str], ...]:
        return tuple(_dotted(decorator.decorator) for decorator in self._node.decorators)

    def return_annotation_name(self) -> Optional[str]:
        if self._node.returns is None:
            return None
        annotation = self._node.returns.annotation
        if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
            value = annotation.evaluated_value
            return value.strip() if isinstance(value, str) else None
        return _dotted(annotation)

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

    def body_facts(self) -> BodyFacts:
        scope = _ScopeScanner()
        self._node.body.visit(scope)
        statements = _statements(self._node.body)
        return BodyFacts(
            returns_value=scope.returns_value,
            yields=scope.yields,
            placeholder_only=all(map(_is_placeholder, statements)),
            flow=_flow(self._node.body),
        )


_Statement = Union[cst.BaseSmallStatement, cst.BaseCompoundStatement]


def _dotted(expression: Optional[cst.BaseExpression]) -> Optional[str]:
    """`a.b.c` for a name or a chain of attributes on one; None for any other expression."""
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute):
        value = _dotted(expression.value)
        return f"{value}.{expression.attr.value}" if value else None
    return None


def _statements(block: Optional[cst.BaseSuite]) -> List[_Statement]:
    """A block's statements, `a; b` lines flattened as `ast` sees them."""
    if block is None:
        return []
    if isinstance(block, cst.SimpleStatementSuite):
        return list(block.body)
    statements: List[_Statement] = []
    for statement in block.body:
        if isinstance(statement, cst.SimpleStatementLine):
            statements.extend(statement.body)
        else:
            statements.append(statement)
    return statements


def _is_placeholder(statement: _Statement) -> bool:
    if isinstance(statement, cst.Pass):
        return True
    if isinstance(statement, cst.Return):
        return statement.value is None or (
            isinstance(statement.value, cst.Name) and statement.value.value == "None"
        )
    return isinstance(statement, cst.Expr) and (
        isinstance(statement.value, cst.Ellipsis) or _is_text_literal(statement.value)
    )


def _flow(block: Optional[cst.BaseSuite]) -> Tuple[Flow, ...]:
    return tuple(map(_statement_flow, _statements(block)))


def _else_body(orelse: Union[cst.If, cst.Else, None]) -> Tuple[Flow, ...]:
    if isinstance(orelse, cst.If):  # `elif`: `ast` nests it as an `if` in the `else`.
        return (_statement_flow(orelse),)
    return _flow(orelse.body) if orelse is not None else ()


def _statement_flow(statement: _Statement) -> Flow:
    """See `ast_functions._statement_flow`: the same shapes for the same code."""
    if isinstance(statement, cst.Raise):
        return Flow("raise")
    if isinstance(statement, cst.Return):
        return Flow("return")
    if isinstance(statement, cst.Break):
        return Flow("break")
    if isinstance(statement, cst.Continue):
        return Flow("continue")
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        call = _dotted(statement.value.func)
        return Flow("call", call=call) if call else OTHER_FLOW
    if isinstance(statement, cst.Assert):
        is_false = isinstance(statement.test, cst.Name) and statement.test.value == "False"
        return Flow("assert_false") if is_false else OTHER_FLOW
    if isinstance(statement, cst.If):
        return Flow("if", (_flow(statement.body), _else_body(statement.orelse)))
    if isinstance(statement, (cst.For, cst.While)):
        orelse = _flow(statement.orelse.body) if statement.orelse else ()
        infinite = isinstance(statement, cst.While) and _is_true_or_one(statement.test)
        return Flow("loop", (_flow(statement.body), orelse), infinite=infinite)
    if isinstance(statement, cst.With):
        return Flow("with", (_flow(statement.body),))
    if isinstance(statement, (cst.Try, cst.TryStar)):
        blocks = [
            _flow(statement.body),
            _flow(statement.orelse.body) if statement.orelse else (),
            _flow(statement.finalbody.body) if statement.finalbody else (),
        ]
        handlers = [_flow(handler.body) for handler in statement.handlers]
        return Flow("try", (*blocks, *handlers))
    if isinstance(statement, cst.Match):
        return Flow("match", tuple(_flow(case.body) for case in statement.cases))
    return OTHER_FLOW


def _is_true_or_one(test: cst.BaseExpression) -> bool:
    if isinstance(test, cst.Name):
        return test.value == "True"
    # `ast` sees `1`, `0x1`, `1_0`... as the same constant; so does its literal parser.
    return isinstance(test, cst.Integer) and ast.literal_eval(test.value) == 1


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
