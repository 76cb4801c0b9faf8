"""Merge migrations are rendered as `alembic merge` renders them (alembic and mako as oracles)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, Dict, List

import alembic
import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st
from mako.template import Template

from monorepo_hygiene.alembic import merge_migration, templates
from monorepo_hygiene.alembic.merge_migration import (
    GENERIC_TEMPLATE,
    merge_message,
    render_merge_migration,
)
from monorepo_hygiene.alembic.errors import TemplateError
from monorepo_hygiene.alembic.templates import ScriptTemplate, render_template
from tests.monorepo_hygiene.alembic.alembic_fixtures import chain, write_alembic_project

ALEMBIC_TEMPLATES = Path(alembic.__file__).parent / "templates"
CREATE_DATE = datetime.datetime(2024, 5, 1, 12, 30, 45, 123456)


# Alembic imports the migrations these tests write.
pytestmark = pytest.mark.usefixtures("no_bytecode")


def _context(heads: List[str], message: str) -> Dict[str, Any]:
    return {
        "up_revision": "ffff00001111",
        "down_revision": heads[0] if len(heads) == 1 else tuple(heads),
        "branch_labels": None,
        "depends_on": None,
        "create_date": CREATE_DATE,
        "comma": merge_migration._format_as_comma,
        "message": message,
    }


def test_generic_template_is_alembics() -> None:
    assert GENERIC_TEMPLATE == (ALEMBIC_TEMPLATES / "generic" / "script.py.mako").read_text()


@pytest.mark.parametrize(
    "template_dir", sorted(p.name for p in ALEMBIC_TEMPLATES.iterdir() if p.is_dir())
)
def test_builtin_renderer_matches_mako_on_alembics_templates(template_dir: str) -> None:
    text = (ALEMBIC_TEMPLATES / template_dir / "script.py.mako").read_text()
    context = _context(["a1", "b2"], "merge heads a1, b2")
    if re.search(r"^\s*%", text, re.MULTILINE):
        with pytest.raises(TemplateError, match="needs mako|control lines"):
            render_template("script.py.mako", text, context)
        return
    assert render_template("script.py.mako", text, context) == Template(text=text).render_unicode(
        **context
    )


_EXPRESSIONS = st.sampled_from(
    [
        "${message}",
        "${up_revision}",
        "${down_revision | comma,n}",
        "${repr(down_revision)}",
        "${create_date}",
        '${imports if imports else ""}',
        '${upgrades or "pass"}',
        "${message | trim}",
        "${comma(down_revision)}",
        '${"}" if message else "|"}',
        "text with a \\\nline continuation",
        "plain {braces} and $dollars",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(_EXPRESSIONS, min_size=1, max_size=6),
    separators=st.lists(st.sampled_from(["", "\n", " ", "\n\n    "]), min_size=6, max_size=6),
    heads=st.lists(
        st.text("0123456789abcdef", min_size=1, max_size=12), min_size=1, max_size=3, unique=True
    ),
    message=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20),
)
def test_builtin_renderer_matches_mako_on_the_subset(
    parts: List[str], separators: List[str], heads: List[str], message: str
) -> None:
    text = "".join(part + separator for part, separator in zip(parts, separators))
    context = _context(heads, message)
    assert render_template("t.mako", text, context) == Template(text=text).render_unicode(**context)


def test_unsupported_template_is_refused_with_its_line() -> None:
    text = "line one\n% for x in range(2):\n${x}\n% endfor\n"
    with pytest.raises(TemplateError) as error:
        render_template("migrations/script.py.mako", text, {})
    assert (error.value.path, error.value.line) == ("migrations/script.py.mako", 2)
    with pytest.raises(TemplateError, match=r"`config\.get_main_option\('x'\)` needs mako"):
        render_template("t.mako", "${config.get_main_option('x')}", {})
    with pytest.raises(TemplateError, match="doesn't define"):
        render_template("t.mako", "${imports}", {})


@pytest.mark.parametrize("mako", [True, False])
def test_merge_file_equals_alembic_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mako: bool
) -> None:
    ini = write_alembic_project(tmp_path, [*chain("a", "t1"), *chain("o1", down=("a",))])
    custom = (
        (tmp_path / "migrations" / "script.py.mako")
        .read_text()
        .replace("# revision identifiers", "# Custom template: revision identifiers")
    )
    (tmp_path / "migrations" / "script.py.mako").write_text(custom)
    command.merge(
        Config(str(ini)), ["t1", "o1"], message="merge heads t1, o1", rev_id="ffff00001111"
    )
    (written,) = (tmp_path / "migrations" / "versions").glob("ffff00001111_*.py")

    monkeypatch.setattr(templates, "_mako_available", lambda: mako)
    ours = render_merge_migration(
        ["t1", "o1"],
        "ffff00001111",
        merge_message(["t1", "o1"]),
        CREATE_DATE,
        ScriptTemplate("migrations/script.py.mako", custom),
    )
    assert ours.engine == ("mako" if mako else "built-in")
    assert ours.file_name == written.name
    create_date = re.compile(rb"^Create Date: .*$", re.MULTILINE)
    assert create_date.sub(b"", ours.content) == create_date.sub(b"", written.read_bytes())
    assert b"# Custom template" in ours.content


@pytest.mark.parametrize(
    "file_template", ["%(rev)s_%(slug)s", "%(year)d_%(month).2d_%(day).2d-%(rev)s_%(slug)s"]
)
@pytest.mark.parametrize("heads", [["a1", "b2"], ["a" * 12, "b" * 12, "c" * 12]])
def test_file_name_is_alembics(tmp_path: Path, file_template: str, heads: List[str]) -> None:
    message = merge_message(heads)
    migration = render_merge_migration(
        heads, "0123456789ab", message, CREATE_DATE, file_template=file_template
    )
    script_directory = ScriptDirectory(str(tmp_path), file_template=file_template)
    expected = script_directory._rev_path(tmp_path, "0123456789ab", message, CREATE_DATE)
    assert migration.file_name == Path(expected).name
