"""Schema operations read from `upgrade()`, and the overlaps between two sides."""

from __future__ import annotations

import textwrap
from typing import List, Optional, Tuple

from monorepo_hygiene.alembic.operations import (
    Effect,
    SchemaOperation,
    find_overlaps,
    upgrade_operations,
)


def _ops(body: str, revision: str = "r1") -> Tuple[SchemaOperation, ...]:
    source = (
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        + textwrap.dedent(body)
        + "\n\ndef downgrade() -> None:\n    op.drop_table('never_read')\n"
    )
    return upgrade_operations(revision, f"{revision}.py", source.encode())


def _summary(
    ops: Tuple[SchemaOperation, ...],
) -> List[Tuple[str, Effect, Optional[str], Optional[str], Optional[str]]]:
    return [(op.call, op.effect, op.table, op.column, op.index) for op in ops]


def test_top_level_operations() -> None:
    ops = _ops(
        """\
        def upgrade() -> None:
            op.create_table("users", sa.Column("id", sa.Integer()), schema="app")
            op.drop_table("legacy")
            op.add_column("orders", sa.Column("total", sa.Numeric()))
            op.drop_column("orders", column_name="note")
            op.alter_column("orders", "state", new_column_name="status")
            op.create_index(op.f("ix_orders_status"), "orders", ["status"])
            op.drop_index("ix_old", table_name="orders")
            op.rename_table("carts", "baskets")
            op.create_foreign_key("fk", "orders", "users", ["user_id"], ["id"])
        """
    )
    assert _summary(ops) == [
        ("op.create_table", Effect.CREATE_TABLE, "app.users", None, None),
        ("op.drop_table", Effect.DROP_TABLE, "legacy", None, None),
        ("op.add_column", Effect.CHANGE_COLUMN, "orders", "total", None),
        ("op.drop_column", Effect.CHANGE_COLUMN, "orders", "note", None),
        ("op.alter_column", Effect.CHANGE_COLUMN, "orders", "state", None),
        ("op.alter_column", Effect.CHANGE_COLUMN, "orders", "status", None),
        ("op.create_index", Effect.CHANGE_INDEX, "orders", None, "ix_orders_status"),
        ("op.drop_index", Effect.CHANGE_INDEX, "orders", None, "ix_old"),
        ("op.rename_table", Effect.DROP_TABLE, "carts", None, None),
        ("op.rename_table", Effect.CREATE_TABLE, "baskets", None, None),
        ("op.create_foreign_key", Effect.ALTER_TABLE, "orders", None, None),
        ("op.create_foreign_key", Effect.ALTER_TABLE, "users", None, None),
    ]
    assert [op.line for op in ops][:3] == [5, 6, 7]


def test_batch_blocks_apply_to_their_table() -> None:
    ops = _ops(
        """\
        def upgrade() -> None:
            with op.batch_alter_table("orders", schema="app") as batch_op:
                batch_op.add_column(sa.Column("total", sa.Numeric()))
                batch_op.create_index(batch_op.f("ix_total"), ["total"])
                batch_op.create_unique_constraint("uq", ["total"])
            with op.batch_alter_table("users") as batch_op:
                batch_op.drop_column("age")
        """
    )
    assert _summary(ops) == [
        ("op.batch_alter_table", Effect.ALTER_TABLE, "app.orders", None, None),
        ("batch_op.add_column", Effect.CHANGE_COLUMN, "app.orders", "total", None),
        ("batch_op.create_index", Effect.CHANGE_INDEX, "app.orders", None, "app.ix_total"),
        ("batch_op.create_unique_constraint", Effect.ALTER_TABLE, "app.orders", None, None),
        ("op.batch_alter_table", Effect.ALTER_TABLE, "users", None, None),
        ("batch_op.drop_column", Effect.CHANGE_COLUMN, "users", "age", None),
    ]


def test_raw_sql_and_unread_arguments_are_unknown() -> None:
    ops = _ops(
        """\
        TABLE = "users"

        def upgrade() -> None:
            op.execute("UPDATE users SET active = true")
            op.get_bind().execute(sa.text("DELETE FROM carts"))
            op.add_column(TABLE, sa.Column("email", sa.String()))
            op.bulk_insert(sa.table("users"), [])
        """
    )
    assert _summary(ops) == [
        ("op.execute", Effect.UNKNOWN, None, None, None),
        ("op.get_bind().execute", Effect.UNKNOWN, None, None, None),
        ("op.add_column", Effect.UNKNOWN, None, "email", None),
        ("op.bulk_insert", Effect.UNKNOWN, None, None, None),
    ]


def test_module_functions_called_from_upgrade_are_followed_once() -> None:
    ops = _ops(
        """\
        def _add_email() -> None:
            op.add_column("users", sa.Column("email", sa.String()))
            _add_email()

        def upgrade() -> None:
            _add_email()
            print("done")
        """
    )
    assert _summary(ops) == [("op.add_column", Effect.CHANGE_COLUMN, "users", "email", None)]


def test_no_upgrade_means_no_operations() -> None:
    assert upgrade_operations("r", "r.py", b"revision = 'r'\n") == ()


def _overlaps(theirs: str, ours: str) -> List[str]:
    found = find_overlaps(_ops(theirs, "t1"), _ops(ours, "o1"))
    return [f"{overlap.subject} {overlap.reason}" for overlap in found]


def test_same_table_created_twice() -> None:
    theirs = "def upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer()))\n"
    ours = "def upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer()))\n"
    assert _overlaps(theirs, ours) == ["table `users` created on both sides"]


def test_same_column_touched_on_both_sides() -> None:
    theirs = "def upgrade():\n    op.alter_column('users', 'email', nullable=False)\n"
    ours = (
        "def upgrade():\n"
        "    with op.batch_alter_table('users') as b:\n"
        "        b.drop_column('email')\n"
    )
    assert _overlaps(theirs, ours) == ["column `users.email` changed on both sides"]


def test_table_dropped_on_one_side_and_altered_on_the_other() -> None:
    theirs = "def upgrade():\n    op.drop_table('users')\n"
    ours = "def upgrade():\n    op.add_column('users', sa.Column('age', sa.Integer()))\n"
    assert _overlaps(theirs, ours) == ["table `users` removed on one side and used on the other"]
    renamed = "def upgrade():\n    op.rename_table('users', 'accounts')\n"
    assert _overlaps(ours, renamed) == ["table `users` removed on one side and used on the other"]


def test_same_index_on_both_sides() -> None:
    theirs = "def upgrade():\n    op.create_index('ix_email', 'users', ['email'])\n"
    ours = "def upgrade():\n    op.create_index('ix_email', 'accounts', ['email'])\n"
    assert _overlaps(theirs, ours) == ["index `ix_email` changed on both sides"]


def test_independent_changes_and_unknowns_do_not_overlap() -> None:
    theirs = (
        "def upgrade():\n"
        "    op.add_column('users', sa.Column('age', sa.Integer()))\n"
        "    op.execute('DROP TABLE orders')\n"
    )
    ours = (
        "def upgrade():\n"
        "    op.add_column('users', sa.Column('email', sa.String()))\n"
        "    op.add_column('orders', sa.Column('total', sa.Numeric()))\n"
    )
    assert _overlaps(theirs, ours) == []


def test_overlap_message_names_both_places() -> None:
    theirs = _ops("def upgrade():\n    op.drop_table('users')\n", "t1")
    ours = _ops("def upgrade():\n    op.drop_table('users')\n", "o1")
    (overlap,) = find_overlaps(theirs, ours)
    assert overlap.render() == (
        "table `users` removed on both sides: `op.drop_table` in `t1` (t1.py:5); "
        "`op.drop_table` in `o1` (o1.py:5)"
    )
