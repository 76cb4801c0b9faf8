"""`rewrite_down_revision`: only the `down_revision` value and the `Revises:` ids change.

The oracle is libcst: both versions are parsed, the new `down_revision` value and docstring are
swapped back for the old ones, and the code must then be identical, i.e. every other byte
(comments, quotes, annotations, blank lines) survived.
"""

from __future__ import annotations

import textwrap
from typing import Optional, Sequence, Tuple

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.errors import MigrationReadError
from monorepo_hygiene.alembic.reader import read_migration
from monorepo_hygiene.alembic.rewrite import rewrite_down_revision
from tests.monorepo_hygiene.alembic.alembic_fixtures import Rev, Style, migration_source


class _Swap(cst.CSTTransformer):
    """Puts the given `down_revision` value and module docstring into a module."""

    def __init__(
        self, value: Optional[cst.BaseExpression], docstring: Optional[cst.BaseStatement]
    ) -> None:
        self._value = value
        self._docstring = docstring

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        if _binds_down_revision(t.target for t in updated.targets) and self._value is not None:
            return updated.with_changes(value=self._value)
        return updated

    def leave_AnnAssign(self, original: cst.AnnAssign, updated: cst.AnnAssign) -> cst.AnnAssign:
        if _binds_down_revision([updated.target]) and self._value is not None:
            return updated.with_changes(value=self._value)
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if self._docstring is None:
            return updated
        return updated.with_changes(body=[self._docstring, *updated.body[1:]])


def _binds_down_revision(targets: object) -> bool:
    return any(isinstance(t, cst.Name) and t.value == "down_revision" for t in targets)  # type: ignore[attr-defined]


def _parts(module: cst.Module) -> Tuple[Optional[cst.BaseExpression], Optional[cst.BaseStatement]]:
    value: Optional[cst.BaseExpression] = None
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assign) and _binds_down_revision(
                    t.target for t in small.targets
                ):
                    value = small.value
                if isinstance(small, cst.AnnAssign) and _binds_down_revision([small.target]):
                    value = small.value
    docstring = module.body[0] if module.get_docstring() is not None else None
    return value, docstring


def assert_only_down_revision_changed(before: bytes, after: bytes) -> None:
    old_module = cst.parse_module(before)
    new_module = cst.parse_module(after)
    old_value, old_docstring = _parts(old_module)
    restored = new_module.visit(_Swap(old_value, old_docstring))
    assert restored.bytes == before


def _rewritten(source: str, down: Sequence[str]) -> str:
    content = source.encode()
    after = rewrite_down_revision("m.py", content, down)
    assert_only_down_revision_changed(content, after)
    assert read_migration("m.py", after).down_revisions == tuple(down)
    return after.decode()


def test_single_id_keeps_quotes_annotation_and_comment() -> None:
    source = textwrap.dedent(
        """\
        '''add things

        Revision ID: b1
        Revises: a0
        Create Date: 2024-05-01 12:00:00

        '''
        revision: str = 'b1'
        down_revision: str | None = 'a0'  # the old head
        """
    )
    assert _rewritten(source, ["t9"]) == source.replace("'a0'", "'t9'").replace(
        "Revises: a0", "Revises: t9"
    )


def test_none_becomes_a_string_in_the_files_quote_style() -> None:
    source = "revision = 'b1'\ndown_revision = None\n"
    assert _rewritten(source, ["t9"]) == "revision = 'b1'\ndown_revision = 't9'\n"


def test_merge_tuple_keeps_its_layout_and_comments() -> None:
    source = textwrap.dedent(
        """\
        \"\"\"merge

        Revision ID: m1
        Revises: o1, t1
        \"\"\"
        revision = "m1"
        down_revision = (
            "o1",  # ours
            "t1",  # theirs
        )
        """
    )
    expected = source.replace('"t1",  # theirs', '"t9",  # theirs').replace(
        "Revises: o1, t1", "Revises: o1, t9"
    )
    assert _rewritten(source, ["o1", "t9"]) == expected


def test_list_value_that_shrinks_stays_a_list_only_when_it_still_holds_several() -> None:
    source = "revision = 'm1'\ndown_revision = ['o1', 't1']\n"
    assert _rewritten(source, ["o1"]) == "revision = 'm1'\ndown_revision = 'o1'\n"
    assert _rewritten(source, ["o1", "t1", "x"]) == (
        "revision = 'm1'\ndown_revision = ['o1', 't1', 'x']\n"
    )


def test_one_element_tuple_keeps_its_shape() -> None:
    source = 'revision = "b1"\ndown_revision = ("a0",)\n'
    assert _rewritten(source, ["t9"]) == 'revision = "b1"\ndown_revision = ("t9",)\n'


def test_columns_are_utf8_byte_offsets() -> None:
    # Non-ASCII text before the value on the same line shifts byte columns, not characters.
    source = 'revision = "b1"\nnote = "héllo wörld"; down_revision = "a0"  # ünïcode\n'
    assert _rewritten(source, ["t9"]) == source.replace('"a0"', '"t9"')


def test_crlf_line_endings_survive() -> None:
    source = '"""m\r\n\r\nRevises: a0\r\n"""\r\nrevision = "b1"\r\ndown_revision = "a0"\r\n'
    assert _rewritten(source, ["t9"]) == source.replace("a0", "t9")


def test_latin1_file_is_written_back_in_latin1() -> None:
    source = '# -*- coding: latin-1 -*-\n"""café"""\nrevision = "b1"\ndown_revision = "a0"\n'
    content = source.encode("latin-1")
    after = rewrite_down_revision("m.py", content, ["t9"])
    assert after == source.replace('"a0"', '"t9"').encode("latin-1")


def test_revises_line_followed_by_closing_quotes() -> None:
    source = '"""m\n\nRevises: a0"""\nrevision = "b1"\ndown_revision = "a0"\n'
    assert _rewritten(source, ["t9"]) == source.replace("a0", "t9")


def test_empty_revises_of_a_base_gets_the_new_parent() -> None:
    source = (
        '"""m\n\nRevision ID: b1\nRevises: \nCreate Date: x\n"""\n'
        'revision = "b1"\ndown_revision = None\n'
    )
    assert _rewritten(source, ["t9"]) == source.replace("Revises: ", "Revises: t9").replace(
        "None", '"t9"'
    )


def test_the_last_binding_is_rewritten_as_alembic_would_read_it() -> None:
    source = b'revision = "b1"\ndown_revision = "x"\ndown_revision = "a0"\n'
    assert rewrite_down_revision("m.py", source, ["t9"]) == source.replace(b"a0", b"t9")


def test_computed_value_is_refused_with_its_line() -> None:
    with pytest.raises(MigrationReadError) as error:
        rewrite_down_revision("m.py", b'revision = "b1"\n\ndown_revision = pick()\n', ["t9"])
    assert (error.value.path, error.value.line) == ("m.py", 3)


def test_missing_down_revision_is_refused() -> None:
    with pytest.raises(MigrationReadError, match="missing `down_revision`"):
        rewrite_down_revision("m.py", b'revision = "b1"\n', ["t9"])


_IDS = st.text(alphabet="0123456789abcdef", min_size=4, max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    style=st.builds(
        Style,
        typed=st.booleans(),
        quote=st.sampled_from(['"', "'"]),
        sequence=st.sampled_from(["tuple", "list"]),
        single_as_sequence=st.booleans(),
        docstring=st.booleans(),
    ),
    old=st.lists(_IDS, max_size=3, unique=True),
    new=st.lists(_IDS, min_size=1, max_size=3, unique=True),
    comment=st.sampled_from(["", "  # keep", "  # ünïcode ✓"]),
)
def test_any_style_rewrites_only_the_value_and_revises(
    style: Style, old: Sequence[str], new: Sequence[str], comment: str
) -> None:
    source = migration_source(Rev("abc123", tuple(old), style=style))
    source = source.replace("\ndown_revision", f"\n# before{comment}\ndown_revision")
    content = source.encode()
    after = rewrite_down_revision("m.py", content, new)
    assert_only_down_revision_changed(content, after)
    migration = read_migration("m.py", after)
    assert migration.down_revisions == tuple(new)
    if style.docstring:
        assert migration.docstring_revises == tuple(new)
    # Nothing but the two lines that name the parents differs.
    changed = [(a, b) for a, b in zip(source.splitlines(), after.decode().splitlines()) if a != b]
    assert all("down_revision" in b or b.startswith("Revises:") for _, b in changed)
