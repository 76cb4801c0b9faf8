"""TOML 1.0, with errors naming line and column (`monorepo_hygiene.toml_file`)."""

from __future__ import annotations

import re
import sys
from typing import Any, Dict, Optional, Tuple

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from monorepo_hygiene.alembic.config import parse_pyproject_alembic, pyproject_alembic_table
from monorepo_hygiene.alembic.errors import AlembicConfigError
from monorepo_hygiene.ruff_config import NeedFile, RuffConfigError, read_ruff_config
from monorepo_hygiene.toml_file import TomlError, load_toml
from tests.monorepo_hygiene.toml_fixtures import toml_documents

if sys.version_info >= (3, 11):
    import tomllib
else:  # The same parser, as `toml_file` picks it.
    import tomli as tomllib


def test_toml_1_0_documents_load() -> None:
    # Mixed-type arrays are TOML 1.0; the pre-1.0 `toml` package rejected them.
    text = '[tool.other]\nvalues = [1, "two", 3.0]\n[tool.alembic]\nscript_location = "m"\n'
    assert load_toml("pyproject.toml", text) == {
        "tool": {"other": {"values": [1, "two", 3.0]}, "alembic": {"script_location": "m"}}
    }


def test_a_truncated_array_names_line_and_column() -> None:
    # The `toml` package accepted this silently.
    with pytest.raises(TomlError) as error:
        load_toml(
            "pyproject.toml", '[tool.alembic]\nscript_location = "m"\nversion_locations = [\n'
        )
    assert error.value.path == "pyproject.toml"
    assert error.value.line is not None and error.value.line >= 3
    assert error.value.reason.startswith("not valid TOML: ")


def test_an_error_within_a_line_names_its_column() -> None:
    with pytest.raises(TomlError) as error:
        load_toml("ruff.toml", '[lint]\nselect = ["E" "F"]\n')
    assert (error.value.line, error.value.reason) == (
        2,
        "not valid TOML: Unclosed array (column 15)",
    )


def test_an_error_at_the_end_of_the_file_names_the_column_after_its_last_character() -> None:
    with pytest.raises(TomlError) as error:
        load_toml("pyproject.toml", '[tool.alembic]\nscript_location = "m')
    assert (error.value.line, error.value.reason) == (
        2,
        "not valid TOML: Unterminated string (at the end of the file, column 21)",
    )


def test_a_tool_key_that_is_no_table_is_no_alembic_table_and_a_ruff_error() -> None:
    # Found by the generated documents below: both readers called `.get` on `tool = 0`.
    assert pyproject_alembic_table("pyproject.toml", "tool = 0\n") is None
    with pytest.raises(RuffConfigError) as error:
        read_ruff_config({".ruff.toml": None, "ruff.toml": None, "pyproject.toml": b"tool = 0\n"})
    assert (error.value.path, error.value.reason) == (
        "pyproject.toml",
        "`tool` must be a table: ruff can't read the file",
    )


# --- Generated documents: the readers of pyproject.toml and ruff configs ------------------------

TOML_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# What a hand edit breaks a TOML file with: brackets, quotes, `=`, separators, line breaks.
BREAKING = st.sampled_from(list("[]{}=,\"'.#\n\\") + ["[[", "]]", '"""', "= =", "\r"])


@st.composite
def broken_documents(draw: st.DrawFn) -> str:
    """A valid document truncated, or with a breaking character put in, that TOML 1.0 rejects."""
    text, _ = draw(toml_documents())
    position = draw(st.integers(0, len(text)))
    if draw(st.booleans()):
        broken = text[:position]
    else:
        broken = text[:position] + draw(BREAKING) + text[position:]
    try:
        tomllib.loads(broken)
    except tomllib.TOMLDecodeError:
        return broken
    assume(False)
    raise AssertionError("unreachable")


def assert_places_in(text: str, line: Optional[int], reason: str) -> None:
    """The error names a line of `text` and a column within that line."""
    lines = re.split("\r\n|\n", text)
    assert line is not None and 1 <= line <= len(lines), (line, reason)
    column = re.search(r"column (\d+)\)$", reason)
    assert column is not None, reason
    assert 1 <= int(column.group(1)) <= len(lines[line - 1]) + 1, (lines[line - 1], reason)
    assert reason.startswith("not valid TOML: ")


@TOML_SETTINGS
@given(generated=toml_documents())
def test_valid_documents_load_as_they_were_written(generated: Tuple[str, Dict[str, Any]]) -> None:
    text, document = generated
    assert load_toml("pyproject.toml", text) == document == tomllib.loads(text)


@TOML_SETTINGS
@given(text=broken_documents())
def test_invalid_documents_are_errors_with_line_and_column(text: str) -> None:
    with pytest.raises(TomlError) as error:
        load_toml("pyproject.toml", text)
    assert error.value.path == "pyproject.toml"
    assert_places_in(text, error.value.line, error.value.reason)


@TOML_SETTINGS
@given(text=st.one_of(toml_documents().map(lambda generated: generated[0]), broken_documents()))
def test_alembic_discovery_reads_any_pyproject_without_a_traceback(text: str) -> None:
    try:
        valid = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        valid = None
    try:
        table = pyproject_alembic_table("svc/pyproject.toml", text)
        if table is not None:
            parse_pyproject_alembic("svc/pyproject.toml", table)
    except AlembicConfigError as e:
        assert e.path == "svc/pyproject.toml"
        if valid is None:
            assert_places_in(text, e.line, e.reason)
        return
    # No error: valid TOML, or invalid TOML that doesn't mention the table (other tools' file).
    assert valid is not None or "tool.alembic" not in text
    if valid is not None:
        tool = valid.get("tool")
        assert table == (tool.get("alembic") if isinstance(tool, dict) else None)


@TOML_SETTINGS
@given(
    name=st.sampled_from(["ruff.toml", "pyproject.toml"]),
    text=st.one_of(toml_documents().map(lambda generated: generated[0]), broken_documents()),
)
def test_ruff_config_reads_any_document_without_a_traceback(name: str, text: str) -> None:
    files: Dict[str, Optional[bytes]] = {
        ".ruff.toml": None,
        "ruff.toml": None,
        "pyproject.toml": None,
    }
    files[name] = text.encode("utf-8")
    try:
        valid = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        valid = None
    try:
        read_ruff_config(files)
    except RuffConfigError as e:
        if valid is None:
            assert e.path == name
            assert_places_in(text, e.line, e.reason)
    except NeedFile as e:  # `extend` names another file: asked for, not a failure.
        assert valid is not None and e.path not in files
    else:
        assert valid is not None
