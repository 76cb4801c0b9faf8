"""TOML 1.0, with errors naming line and column (`monorepo_hygiene.toml_file`)."""

from __future__ import annotations

import pytest

from monorepo_hygiene.toml_file import TomlError, load_toml


def test_toml_1_0_documents_load() -> None:
    # Mixed-type arrays are TOML 1.0; the pre-1.0 `toml` package rejected them.
    text = '[tool.other]\nvalues = [1, "two", 3.0]\n[tool.alembic]\nscript_location = "m"\n'
    assert load_toml("pyproject.toml", text) == {
        "tool": {"other": {"values": [1, "two", 3.0]}, "alembic": {"script_location": "m"}}
    }


def test_a_truncated_array_names_line_and_column() -> None:
    # The `toml` package accepted this silently.
    with pytest.raises(TomlError) as error:
        load_toml("pyproject.toml", '[tool.alembic]\nscript_location = "m"\nversion_locations = [\n')
    assert error.value.path == "pyproject.toml"
    assert error.value.line is not None and error.value.line >= 3
    assert error.value.reason.startswith("not valid TOML: ")


def test_an_error_within_a_line_names_its_column() -> None:
    with pytest.raises(TomlError) as error:
        load_toml("ruff.toml", "[lint]\nselect = [\"E\" \"F\"]\n")
    assert (error.value.line, error.value.reason) == (
        2,
        "not valid TOML: Unclosed array (column 15)",
    )
