from __future__ import annotations

import textwrap
from typing import Tuple

import pytest

from monorepo_hygiene.alembic.errors import MigrationReadError
from monorepo_hygiene.alembic.reader import Migration, read_history, read_migration
from tests.monorepo_hygiene.alembic.alembic_fixtures import (
    Rev,
    Style,
    history_files,
    migration_source,
)

PATH = "migrations/versions/1a2b_add_users.py"


def _read(source: str, path: str = PATH, whole_file: bool = True) -> Migration:
    return read_migration(path, textwrap.dedent(source).encode(), whole_file=whole_file)


def _read_error(source: str, path: str = PATH) -> MigrationReadError:
    with pytest.raises(MigrationReadError) as info:
        read_migration(path, textwrap.dedent(source).encode())
    return info.value


def test_alembic_template_output() -> None:
    migration = _read(
        '''\
        """Add users

        Revision ID: 1a2b
        Revises: 0f0e
        Create Date: 2024-05-01 12:00:00.000000

        """
        from typing import Sequence, Union

        from alembic import op
        import sqlalchemy as sa


        # revision identifiers, used by Alembic.
        revision: str = "1a2b"
        down_revision: Union[str, Sequence[str], None] = "0f0e"
        branch_labels: Union[str, Sequence[str], None] = None
        depends_on: Union[str, Sequence[str], None] = None


        def upgrade() -> None:
            op.add_column("users", sa.Column("email", sa.String()))


        def downgrade() -> None:
            op.drop_column("users", "email")
        '''
    )
    assert migration == Migration(
        path=PATH,
        revision="1a2b",
        revision_line=15,
        down_revisions=("0f0e",),
        down_revision_line=16,
        branch_labels=(),
        branch_labels_line=17,
        depends_on=(),
        depends_on_line=18,
        docstring_revision_id="1a2b",
        docstring_revision_id_line=3,
        docstring_revises=("0f0e",),
        docstring_revises_line=4,
        message="Add users",
    )


def test_untyped_single_quotes_and_none() -> None:
    migration = _read(
        """\
        revision = '1a2b'
        down_revision = None
        """
    )
    assert (migration.revision, migration.revision_line) == ("1a2b", 1)
    assert (migration.down_revisions, migration.down_revision_line) == ((), 2)
    assert migration.is_base
    assert (migration.branch_labels, migration.depends_on, migration.depends_on_line) == (
        (),
        (),
        None,
    )
    assert (migration.docstring_revision_id, migration.docstring_revises, migration.message) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ('("a1", "b2")', ("a1", "b2")),
        ('["a1", "b2"]', ("a1", "b2")),
        ('("a1",)', ("a1",)),
        ("()", ()),
        ("[]", ()),
        ('"a1"  # the parent', ("a1",)),
        ('"a" "1"', ("a1",)),
    ],
)
def test_down_revision_forms(value: str, expected: Tuple[str, ...]) -> None:
    migration = _read(f'revision = "c3"\ndown_revision = {value}\n')
    assert migration.down_revisions == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("None", ()),
        ('"billing"', ("billing",)),
        ("('billing', 'core')", ("billing", "core")),
        ('["billing"]', ("billing",)),
    ],
)
def test_branch_labels_and_depends_on_forms(value: str, expected: Tuple[str, ...]) -> None:
    migration = _read(
        f'revision = "c3"\ndown_revision = None\nbranch_labels = {value}\ndepends_on = {value}\n'
    )
    assert (migration.branch_labels, migration.branch_labels_line) == (expected, 3)
    assert (migration.depends_on, migration.depends_on_line) == (expected, 4)


def test_merge_migration_docstring() -> None:
    migration = _read(
        '''\
        """merge heads

        Revision ID: c3
        Revises: a1, b2
        Create Date: 2024-05-01 12:00:00.000000

        """
        revision = "c3"
        down_revision = ("a1", "b2")
        '''
    )
    assert migration.is_merge
    assert (migration.docstring_revises, migration.docstring_revises_line) == (("a1", "b2"), 4)
    assert migration.message == "merge heads"


def test_base_docstring_has_empty_revises() -> None:
    migration = _read(
        '"""init\n\nRevision ID: a1\nRevises:\n"""\nrevision = "a1"\ndown_revision = None\n'
    )
    assert (migration.docstring_revises, migration.docstring_revises_line) == ((), 4)


def test_message_skips_leading_blank_lines() -> None:
    migration = _read(
        '"""\n\n  Add users  \n\nRevision ID: a1\n"""\nrevision = "a1"\ndown_revision = None\n'
    )
    assert migration.message == "Add users"


def test_last_assignment_wins_as_in_an_import() -> None:
    migration = _read('revision = "old"\ndown_revision = None\nrevision = "new"\n')
    assert (migration.revision, migration.revision_line) == ("new", 3)


def test_names_inside_functions_are_ignored() -> None:
    migration = _read(
        """\
        revision = "a1"
        down_revision = None

        def upgrade() -> None:
            revision = compute()
            down_revision = other()
        """
    )
    assert (migration.revision, migration.down_revisions) == ("a1", ())


def test_file_name_need_not_start_with_the_id() -> None:
    migration = _read('revision = "1a2b"\ndown_revision = None\n', path="v/add_users_table.py")
    assert (migration.path, migration.file_name, migration.revision) == (
        "v/add_users_table.py",
        "add_users_table.py",
        "1a2b",
    )


def test_legacy_file_without_revision_takes_the_id_from_its_name() -> None:
    # Alembic 0.1 wrote `<hex id>.py` files without a `revision` variable.
    migration = _read("down_revision = None\n", path="versions/3fe2a1.py")
    assert (migration.revision, migration.revision_line) == ("3fe2a1", 1)


@pytest.mark.parametrize(
    "source, line, reason",
    [
        (
            'revision = "a1"\ndown_revision = get_prev()\n',
            2,
            (
                "`down_revision` is computed at runtime (`down_revision = get_prev()`); "
                "write a string, a tuple of strings or `None`"
            ),
        ),
        (
            'revision = "a1"\nPREV = "z9"\ndown_revision = PREV\n',
            3,
            (
                "`down_revision` is computed at runtime (`down_revision = PREV`); "
                "write a string, a tuple of strings or `None`"
            ),
        ),
        (
            'revision = "a1"\nprev = "z9"\ndown_revision = f"{prev}"\n',
            3,
            (
                "`down_revision` is computed at runtime (`down_revision = f'{prev}'`); "
                "write a string, a tuple of strings or `None`"
            ),
        ),
        (
            'revision = "a1"\ndown_revision = None\ndepends_on = ("b" + "2",)\n',
            3,
            (
                "`depends_on` is computed at runtime (`depends_on = ('b' + '2',)`); "
                "write a string, a tuple of strings or `None`"
            ),
        ),
        (
            'revision = "a1"\ndown_revision = "z9"\ndown_revision += "x"\n',
            3,
            (
                "`down_revision` is computed at runtime (`down_revision += 'x'`); "
                "write a string, a tuple of strings or `None`"
            ),
        ),
        (
            'revision = "a1"\ndown_revision = (1, 2)\n',
            2,
            (
                "`down_revision` is computed at runtime (`down_revision = (1, 2)`); "
                "write a string, a tuple of strings or `None`"
            ),
        ),
        (
            'revision, down_revision = "a1", None\n',
            1,
            "`revision` is assigned by unpacking; assign it alone",
        ),
        ("revision = None\ndown_revision = None\n", 1, "`revision` must be a string"),
        ('"""Add users"""\ndown_revision = None\n', 1, "missing `revision`"),
        ('revision = "a1"\n', 1, "missing `down_revision`"),
        (
            'revision = "a1"\ndown_revision = None\nrevision = = 2\n\ndef upgrade() -> None:\n    pass\n',
            3,
            "syntax error: invalid syntax",
        ),
        (
            'revision = "a1"\ndef upgrade(:\n    pass\ndown_revision = None\n',
            2,
            "syntax error: invalid syntax",
        ),
    ],
)
def test_unreadable_migration(source: str, line: int, reason: str) -> None:
    error = _read_error(source)
    assert (error.path, error.line, error.reason) == (PATH, line, reason)
    assert str(error) == f"{PATH}:{line}: {reason}"


def test_syntax_error_in_a_body_is_reported_unless_only_the_head_is_read() -> None:
    source = 'revision = "a1"\ndown_revision = None\n\ndef upgrade(:\n    pass\n'
    error = _read_error(source)
    assert (error.line, error.reason) == (4, "syntax error: invalid syntax")
    # Only the head (before the first top-level definition) is parsed when the metadata is there.
    assert _read(source, whole_file=False).revision == "a1"


def test_metadata_after_the_functions_is_read() -> None:
    migration = _read(
        """\
        def upgrade() -> None:
            pass

        revision = "b2"
        down_revision = "a1"
        """,
        whole_file=False,
    )
    assert (migration.revision, migration.revision_line) == ("b2", 4)
    assert (migration.down_revisions, migration.down_revision_line) == (("a1",), 5)


def test_definition_inside_a_string_is_not_the_end_of_the_head() -> None:
    migration = _read(
        '''\
        revision = "a1"
        down_revision = None
        NOTE = """
        def not_code
        """
        ''',
        whole_file=False,
    )
    assert (migration.revision, migration.down_revisions) == ("a1", ())


def test_non_utf8_byte_in_code_names_its_line() -> None:
    # In a string, CPython rejects the byte too (`(unicode error) 'utf-8' codec can't decode`).
    content = b'revision = "a1"\ndown_revision = None\nmessage = "caf\xe9"\n'
    with pytest.raises(MigrationReadError) as info:
        read_migration(PATH, content)
    assert (info.value.line, info.value.reason) == (
        3,
        "not valid utf-8: byte 0xe9 (invalid continuation byte)",
    )


def test_non_utf8_byte_in_a_comment_is_read_as_cpython_does() -> None:
    content = b'"""Caf\xc3\xa9"""\nrevision = "a1"  # caf\xe9\ndown_revision = None\n'
    migration = read_migration(PATH, content)
    assert (migration.revision, migration.revision_line, migration.message) == (
        "a1",
        2,
        "Caf\u00e9",
    )
    assert read_migration(PATH, content, whole_file=False) == migration


def test_declared_encoding_is_honoured() -> None:
    content = b'# -*- coding: latin-1 -*-\n"""Caf\xe9"""\nrevision = "a1"\ndown_revision = None\n'
    assert read_migration(PATH, content).message == "Caf\u00e9"


def test_history_reads_every_good_file_despite_bad_ones() -> None:
    files = history_files([Rev("a1"), Rev("b2", ("a1",))])
    files["migrations/versions/c3_broken.py"] = b'revision = "c3"\ndown_revision = (\n'
    files["migrations/versions/d4_latin.py"] = b'revision = "d4"\ndown_revision = "b2"  # \xff\n'
    files["migrations/versions/__init__.py"] = b""
    files["migrations/versions/.#a1_change_a1.py"] = b"lock file of an editor"
    files["migrations/versions/README"] = b"not python"
    history = read_history(files)
    assert [m.revision for m in history.migrations] == ["a1", "b2", "d4"]
    assert [(e.path, e.line) for e in history.errors] == [("migrations/versions/c3_broken.py", 2)]


def test_fixture_styles_read_back() -> None:
    rev = Rev(
        "b2",
        ("a1", "z9"),
        depends_on=("x1",),
        branch_labels=("core",),
        style=Style(typed=False, quote="'", sequence="list", single_as_sequence=True),
    )
    migration = read_migration("v/b2.py", migration_source(rev).encode())
    assert (migration.down_revisions, migration.depends_on, migration.branch_labels) == (
        ("a1", "z9"),
        ("x1",),
        ("core",),
    )
    assert migration.docstring_revises == ("a1", "z9")


@pytest.mark.parametrize(
    "line, ids",
    [
        ("Revises: a1, b2", ("a1", "b2")),
        # As older alembic templates and hand edits wrote them (all in Apache Superset 6.1.0).
        ("Revises: ('a1', 'b2')", ("a1", "b2")),
        ("Revises: 'a1'", ("a1",)),
        ("Revises: None", ()),
        ("Revises:", ()),
    ],
)
def test_docstring_revises_forms(line: str, ids: Tuple[str, ...]) -> None:
    content = f'"""msg\n\nRevision ID: c3\n{line}\n"""\nrevision = "c3"\ndown_revision = None\n'
    assert read_migration(PATH, content.encode()).docstring_revises == ids


def test_what_only_the_compiler_rejects_in_a_body_is_reported() -> None:
    # `ast.parse` accepts it; compiling (as alembic's import does) fails.
    content = b'revision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n\n\nreturn 1\n'
    with pytest.raises(MigrationReadError) as info:
        read_migration(PATH, content)
    assert (info.value.line, info.value.reason) == (9, "syntax error: 'return' outside function")
    assert read_migration(PATH, content, whole_file=False).revision == "a1"


def test_syntax_warnings_are_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    content = b'revision = "a1"\ndown_revision = None\n\n\ndef upgrade():\n    x = "\\d"\n'
    assert read_migration(PATH, content).revision == "a1"
    assert capsys.readouterr().err == ""
