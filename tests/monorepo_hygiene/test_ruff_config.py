"""The ruff configuration reader against real ruff: on generated configurations (files found at
the root, `extend` chains, `lint.` and deprecated top-level options, select/extend-select/ignore
at every specificity, per-file-ignores), the reader says a rule is on for a file exactly when
`ruff check` reports it there, and reads `ban-relative-imports` as ruff applies it."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Dict, List, Optional, Set, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.monorepo_hygiene.ruff_json import ruff_findings
from monorepo_hygiene.ruff_config import (
    CONFIG_FILE_NAMES,
    NeedFile,
    RuffConfig,
    RuffConfigError,
    read_ruff_config,
)

SELECTORS = ("ALL", "TID", "TID2", "TID25", "TID252", "TID251", "ANN", "ANN2", "ANN201", "A", "E")
PATTERNS = ("src/**", "src/pkg/*", "tests/**", "*_test.py", "m.py", "!src/pkg/**", "{src,tests}/**")
# Each file: a parent-relative import (line 1), a sibling-relative one (line 2), and a function
# without a return annotation (line 3): TID252 `parents`, TID252 `all`, ANN201.
FILES = ("src/pkg/sub/m.py", "src/pkg/sub/m_test.py", "tests/pkg/sub/m.py", "other/pkg/sub/x.py")
BODY = "from ..a import b\nfrom .c import d\ndef f(): pass\n"
CODES = {1: "TID252", 2: "TID252", 3: "ANN201"}


def _options(draw: st.DrawFn, scope: str) -> List[str]:
    """TOML lines of one file's rule options, under `scope` (`lint.` or the top level)."""
    lines = []
    for key in ("select", "extend-select", "ignore", "extend-ignore"):
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(SELECTORS), max_size=3, unique=True))
            lines.append(f"{scope}{key} = {json.dumps(chosen)}")
    for key in ("per-file-ignores", "extend-per-file-ignores"):
        if draw(st.integers(0, 2)) == 0:
            table = {
                pattern: draw(st.lists(st.sampled_from(SELECTORS), min_size=1, max_size=2))
                for pattern in draw(st.lists(st.sampled_from(PATTERNS), max_size=2, unique=True))
            }
            inline = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in table.items())
            lines.append(f"{scope}{key} = {{{inline}}}")
    if draw(st.booleans()):
        value = draw(st.sampled_from(["parents", "all"]))
        lines.append(f'{scope}flake8-tidy-imports.ban-relative-imports = "{value}"')
    return lines


@st.composite
def configurations(draw: st.DrawFn) -> Dict[str, str]:
    """Config files by path: one at the root (maybe extending `configs/base.toml`)."""
    files: Dict[str, str] = {}
    root_name = draw(st.sampled_from(CONFIG_FILE_NAMES))
    extend = draw(st.booleans())
    chain = [(root_name, extend), *([("configs/base.toml", False)] if extend else [])]
    for path, extends in chain:
        scope = draw(st.sampled_from(["lint.", ""]))
        lines = [*(['extend = "configs/base.toml"'] if extends else []), *_options(draw, scope)]
        if path.endswith("pyproject.toml"):
            # Dotted keys must come before any table header: one `[tool.ruff]` table.
            lines = ["[tool.ruff]", *lines]
        files[path] = "\n".join(lines) + "\n"
    if root_name != "pyproject.toml" and draw(st.booleans()):
        # A pyproject.toml beside it loses: ruff reads `.ruff.toml` or `ruff.toml` first.
        files["pyproject.toml"] = '[tool.ruff.lint]\nextend-select = ["ANN", "TID"]\n'
    return files


def _ruff_reports(root: str) -> Optional[Set[Tuple[str, int]]]:
    """(file, line) of each TID252/ANN201 ruff reports; None if ruff refuses the config."""
    findings = ruff_findings(root, ".")
    if findings is None:
        return None
    return {
        (os.path.relpath(item["filename"], root), item["location"]["row"])
        for item in findings
        if item["code"] in ("TID252", "ANN201")
    }


def _read(root: str) -> RuffConfig:
    files: Dict[str, Optional[bytes]] = {}
    while True:
        try:
            return read_ruff_config(files)
        except NeedFile as need:
            path = os.path.join(root, need.path)
            files[need.path] = None
            if os.path.exists(path):
                with open(path, "rb") as config_file:
                    files[need.path] = config_file.read()


def _predicted(config: RuffConfig) -> Set[Tuple[str, int]]:
    predicted = set()
    ban = config.ban_relative_imports.value
    for path in FILES:
        for line, code in CODES.items():
            if line == 2 and ban != "all":
                continue
            if config.rule(code, path).enabled:
                predicted.add((path, line))
    return predicted


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs=configurations())
def test_rules_on_for_a_file_are_what_ruff_reports(configs: Dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as root:
        for path, text in {**configs, **{f: BODY for f in FILES}}.items():
            os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
            with open(os.path.join(root, path), "w", encoding="utf-8") as file:
                file.write(text)
        reported = _ruff_reports(root)
        if reported is None:
            return  # ruff refused the configuration; then so does the user's CI.
        assert _predicted(_read(root)) == reported


def test_no_config_file_selects_nothing_the_suite_asks_about() -> None:
    config = read_ruff_config({name: None for name in CONFIG_FILE_NAMES})
    assert config.path is None
    assert not config.rule("TID252", "src/a.py").enabled
    assert config.ban_relative_imports.value == "parents"


def test_pyproject_without_a_ruff_table_is_no_config() -> None:
    files = {".ruff.toml": None, "ruff.toml": None, "pyproject.toml": b"[project]\nname = 'x'\n"}
    assert read_ruff_config(files).path is None


def test_settings_name_their_file_and_line() -> None:
    pyproject = (
        b"[project]\nname = 'x'\n\n[tool.ruff]\nline-length = 100\n\n[tool.ruff.lint]\n"
        b'extend-select = ["TID252"]\n\n[tool.ruff.lint.flake8-tidy-imports]\n'
        b'ban-relative-imports = "all"\n'
    )
    config = read_ruff_config({".ruff.toml": None, "ruff.toml": None, "pyproject.toml": pyproject})
    state = config.rule("TID252", "src/a.py")
    assert state.enabled
    assert state.decided_by is not None
    assert state.decided_by.describe() == "`lint.extend-select` (pyproject.toml:8)"
    assert config.ban_relative_imports.describe() == (
        "`lint.flake8-tidy-imports.ban-relative-imports` (pyproject.toml:11)"
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"ruff.toml": b"[lint]\nselect = [\n'TID252' 'ANN']\n"}, "ruff.toml:3: not valid TOML"),
        ({"ruff.toml": b'extend = "base.toml"\n', "base.toml": None}, "ruff.toml: `extend` names"),
        (
            {"ruff.toml": b'extend = "base.toml"\n', "base.toml": b'extend = "ruff.toml"\n'},
            "ruff.toml: `extend` makes a circle",
        ),
        (
            {"ruff.toml": b'[lint.flake8-tidy-imports]\nban-relative-imports = "some"\n'},
            'ruff.toml:2: `lint.flake8-tidy-imports.ban-relative-imports` must be "parents"',
        ),
        ({"ruff.toml": b"[lint]\nselect = 'TID'\n"}, "ruff.toml:2: `lint.select` must be a list"),
    ],
)
def test_unusable_configs_are_errors_naming_file_and_line(
    files: Dict[str, Optional[bytes]], message: str
) -> None:
    with pytest.raises(RuffConfigError) as error:
        read_ruff_config({".ruff.toml": None, "pyproject.toml": None, **files})
    assert str(error.value).startswith(message)
