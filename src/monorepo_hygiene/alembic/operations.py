"""What a migration's `upgrade()` does to the schema, read statically, and where two sides clash.

Before two branches' migrations are put one after the other, the schema changes of both sides are
compared: the same table created twice, the same column changed on both sides, or a table dropped
(or renamed away) on one side and used on the other would make the combined history fail or lose
work. Only literal arguments are understood; raw SQL (`op.execute`, `connection.execute`) and
unrecognised operations are kept as `UNKNOWN`, so a report can say what it could not check.
"""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

from .reader import parse_migration


class Effect(str, enum.Enum):
    CREATE_TABLE = "create_table"
    # Removes the table name: `op.drop_table`, and `op.rename_table` for the old name.
    DROP_TABLE = "drop_table"
    # Anything else that needs the table to exist: constraints, comments, batch blocks.
    ALTER_TABLE = "alter_table"
    CHANGE_COLUMN = "change_column"
    CHANGE_INDEX = "change_index"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SchemaOperation:
    """One schema change of a migration's `upgrade()`; `table` is schema-qualified when given."""

    revision: str
    path: str
    line: int
    # As written: `op.add_column`, `batch_op.drop_column`, `connection.execute`.
    call: str
    effect: Effect
    table: Optional[str] = None
    column: Optional[str] = None
    index: Optional[str] = None

    def location(self) -> str:
        return f"`{self.call}` in `{self.revision}` ({self.path}:{self.line})"


@dataclass(frozen=True)
class Overlap:
    """Two operations, one per side, that can't both run in either order as written."""

    subject: str
    reason: str
    theirs: SchemaOperation
    ours: SchemaOperation

    def render(self) -> str:
        return f"{self.subject} {self.reason}: {self.theirs.location()}; {self.ours.location()}"


_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]

# `op` attributes that are helpers, not schema changes.
_OP_HELPERS = frozenset(
    {"f", "get_bind", "get_context", "inline_literal", "batch_alter_table", "implementation_for"}
)
_COLUMN_OPS = frozenset({"add_column", "drop_column", "alter_column"})
_CONSTRAINT_OPS = frozenset(
    {
        "create_check_constraint",
        "create_exclude_constraint",
        "create_foreign_key",
        "create_primary_key",
        "create_unique_constraint",
        "drop_constraint",
        "create_table_comment",
        "drop_table_comment",
    }
)


def upgrade_operations(revision: str, path: str, content: bytes) -> Tuple[SchemaOperation, ...]:
    """The schema operations of the module-level `upgrade()` (and the module's functions it calls).

    Raises MigrationReadError when the file doesn't parse.
    """
    module = parse_migration(path, content)
    functions = {
        statement.name: statement
        for statement in module.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    upgrade = functions.get("upgrade")
    if upgrade is None:
        return ()
    collector = _OperationCollector(revision, path, functions)
    collector.visit_function(upgrade)
    return tuple(collector.operations)


def find_overlaps(
    theirs: Sequence[SchemaOperation], ours: Sequence[SchemaOperation]
) -> Tuple[Overlap, ...]:
    """Pairs of operations (one per side) that clash; one per subject and reason."""
    found: Dict[Tuple[str, str], Overlap] = {}
    for their_op in theirs:
        for our_op in ours:
            clash = _clash(their_op, our_op)
            if clash is not None and clash not in found:
                found[clash] = Overlap(clash[0], clash[1], their_op, our_op)
    return tuple(found.values())


def _clash(a: SchemaOperation, b: SchemaOperation) -> Optional[Tuple[str, str]]:
    if a.effect is Effect.UNKNOWN or b.effect is Effect.UNKNOWN:
        return None
    if a.table is not None and a.table == b.table:
        table = f"table `{a.table}`"
        if a.effect is Effect.DROP_TABLE and b.effect is Effect.DROP_TABLE:
            return table, "removed on both sides"
        if Effect.DROP_TABLE in (a.effect, b.effect):
            return table, "removed on one side and used on the other"
        if a.effect is Effect.CREATE_TABLE and b.effect is Effect.CREATE_TABLE:
            return table, "created on both sides"
        if (
            a.effect is Effect.CHANGE_COLUMN
            and b.effect is Effect.CHANGE_COLUMN
            and a.column is not None
            and a.column == b.column
        ):
            return f"column `{a.table}.{a.column}`", "changed on both sides"
    if (
        a.effect is Effect.CHANGE_INDEX
        and b.effect is Effect.CHANGE_INDEX
        and a.index is not None
        and a.index == b.index
    ):
        return f"index `{a.index}`", "changed on both sides"
    return None


class _OperationCollector:
    def __init__(
        self,
        revision: str,
        path: str,
        functions: Dict[str, _Function],
    ) -> None:
        self._revision = revision
        self._path = path
        self._functions = functions
        self._visited: Set[str] = set()
        # Names bound by `with op.batch_alter_table(...) as <name>` -> (table, schema).
        self._batches: Dict[str, Tuple[Optional[str], Optional[str]]] = {}
        self.operations: List[SchemaOperation] = []

    def visit_function(self, function: _Function) -> None:
        self._visited.add(function.name)
        for statement in function.body:
            self._visit(statement)

    def _visit(self, node: ast.AST) -> None:
        if isinstance(node, (ast.With, ast.AsyncWith)):
            self._visit_with(node)
            return
        if isinstance(node, ast.Call):
            self._visit_call(node)
        for child in ast.iter_child_nodes(node):
            self._visit(child)

    def _visit_with(self, node: Union[ast.With, ast.AsyncWith]) -> None:
        bound: Dict[str, Tuple[Optional[str], Optional[str]]] = {}
        for item in node.items:
            call = item.context_expr
            if (
                isinstance(call, ast.Call)
                and _receiver(call) == "op"
                and _method(call) == "batch_alter_table"
            ):
                table = _table(call, 0, "table_name")
                self._add(call, Effect.ALTER_TABLE if table else Effect.UNKNOWN, table)
                if isinstance(item.optional_vars, ast.Name):
                    schema = _string(_argument(call, None, "schema"))
                    bound[item.optional_vars.id] = (table, schema)
            else:
                self._visit(call)
        outer = dict(self._batches)
        self._batches.update(bound)
        for statement in node.body:
            self._visit(statement)
        self._batches = outer

    def _visit_call(self, call: ast.Call) -> None:
        receiver, method = _receiver(call), _method(call)
        if receiver == "op" and method is not None:
            self._op_call(call, method)
        elif receiver in self._batches and method is not None:
            self._batch_call(call, method, *self._batches[receiver])
        elif method == "execute":
            self._add(call, Effect.UNKNOWN)
        elif (
            isinstance(call.func, ast.Name)
            and call.func.id in self._functions
            and call.func.id not in self._visited
        ):
            self.visit_function(self._functions[call.func.id])

    def _op_call(self, call: ast.Call, method: str) -> None:
        if method in _OP_HELPERS:
            return
        if method in ("create_table", "drop_table"):
            effect = Effect.CREATE_TABLE if method == "create_table" else Effect.DROP_TABLE
            self._add_table_op(call, effect, _table(call, 0, "table_name"))
        elif method == "rename_table":
            old, new = _table(call, 0, "old_table_name"), _table(call, 1, "new_table_name")
            self._add_table_op(call, Effect.DROP_TABLE, old)
            self._add_table_op(call, Effect.CREATE_TABLE, new)
        elif method in _COLUMN_OPS:
            table = _table(call, 0, "table_name")
            for column in _changed_columns(call, method, 1):
                self._add_column_op(call, table, column)
        elif method in ("create_index", "drop_index"):
            table = _table(call, 1, "table_name")
            index = _qualified(call, _string(_argument(call, 0, "index_name")))
            self._add(call, Effect.CHANGE_INDEX, table, index=index)
        elif method in _CONSTRAINT_OPS:
            position = 0 if method.endswith("_table_comment") else 1
            table_keyword = "source_table" if method == "create_foreign_key" else "table_name"
            self._add_table_op(call, Effect.ALTER_TABLE, _table(call, position, table_keyword))
            if method == "create_foreign_key":
                self._add_table_op(call, Effect.ALTER_TABLE, _table(call, 2, "referent_table"))
        else:
            self._add(call, Effect.UNKNOWN)

    def _batch_call(
        self, call: ast.Call, method: str, table: Optional[str], schema: Optional[str]
    ) -> None:
        if method in _OP_HELPERS:
            return
        if method == "execute":
            self._add(call, Effect.UNKNOWN)
        elif method in _COLUMN_OPS:
            for column in _changed_columns(call, method, 0):
                self._add_column_op(call, table, column)
        elif method in ("create_index", "drop_index"):
            index = _string(_argument(call, 0, "index_name"))
            if index is not None and schema is not None:
                index = f"{schema}.{index}"
            self._add(call, Effect.CHANGE_INDEX, table, index=index)
        else:
            self._add_table_op(call, Effect.ALTER_TABLE, table)
            if method == "create_foreign_key":
                self._add_table_op(call, Effect.ALTER_TABLE, _table(call, 1, "referent_table"))

    def _add_table_op(self, call: ast.Call, effect: Effect, table: Optional[str]) -> None:
        self._add(call, effect if table is not None else Effect.UNKNOWN, table)

    def _add_column_op(self, call: ast.Call, table: Optional[str], column: Optional[str]) -> None:
        known = table is not None and column is not None
        self._add(call, Effect.CHANGE_COLUMN if known else Effect.UNKNOWN, table, column)

    def _add(
        self,
        call: ast.Call,
        effect: Effect,
        table: Optional[str] = None,
        column: Optional[str] = None,
        index: Optional[str] = None,
    ) -> None:
        self.operations.append(
            SchemaOperation(
                self._revision,
                self._path,
                call.lineno,
                ast.unparse(call.func),
                effect,
                table,
                column,
                index,
            )
        )


def _receiver(call: ast.Call) -> Optional[str]:
    """`op` for `op.add_column(...)`; None unless the callee is `<name>.<method>`."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id
    return None


def _method(call: ast.Call) -> Optional[str]:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _argument(call: ast.Call, position: Optional[int], keyword: str) -> Optional[ast.expr]:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and position < len(call.args):
        argument = call.args[position]
        return None if isinstance(argument, ast.Starred) else argument
    return None


def _string(node: Optional[ast.expr]) -> Optional[str]:
    """A literal name: `"users"`, or `op.f("ix_users_email")` / `conv(...)` around one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and len(node.args) == 1:
        callee = node.func
        name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", None)
        if name in ("f", "conv"):
            return _string(node.args[0])
    return None


def _table(call: ast.Call, position: int, keyword: str) -> Optional[str]:
    # `schema` is keyword-only in every operation that takes a table.
    return _qualified(call, _string(_argument(call, position, keyword)))


def _qualified(call: ast.Call, name: Optional[str]) -> Optional[str]:
    schema = _string(_argument(call, None, "schema"))
    if name is None or schema is None:
        return name
    return f"{schema}.{name}"


def _changed_columns(call: ast.Call, method: str, position: int) -> List[Optional[str]]:
    """The columns an add/drop/alter_column call changes: both names when one renames."""
    if method == "add_column":
        columns = [_column_of(_argument(call, position, "column"))]
    else:
        columns = [_string(_argument(call, position, "column_name"))]
    renamed = _argument(call, None, "new_column_name")
    if renamed is not None:
        columns.append(_string(renamed))
    return columns


def _column_of(node: Optional[ast.expr]) -> Optional[str]:
    """The name of `sa.Column("email", ...)` (or `Column(name="email", ...)`)."""
    if not isinstance(node, ast.Call):
        return None
    callee = node.func
    name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", None)
    if name != "Column":
        return None
    return _string(_argument(node, 0, "name"))
