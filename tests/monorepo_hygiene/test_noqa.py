"""`# noqa` means what it means to ruff: the same lines, run through real ruff (rule F401, an
unused `import os`), are suppressed by ruff exactly when `is_suppressed("F401", ...)` says so."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import List, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruff.__main__ import find_ruff_bin

from monorepo_hygiene.noqa import is_suppressed

# Each line is a whole file: `import os` is F401 unless the line's noqa covers it.
LINES = (
    "import os  # noqa",
    "import os  # noqa: F401",
    "import os  # noqa:F401",
    "import os  # noqa:  F401",
    "import os  # noqa:  E501",
    "import os  # noqa: E501",
    'import os; x = "# noqa"',
    'import os; x = "# noqa: F401"',
    "import os; x = '''# noqa'''",
    'import os; x = f"{1} # noqa"',
    "import os; x = 1  # see '# noqa'",
    "import os  #noqa",
    "import os  #  noqa",
    "import os\t# noqa",
    "import os  # NOQA",
    "import os  # NoQA: f401",
    "import os  # noqa: e501",
    "import os  # noqa : F401",
    "import os  # noqa : E501",
    "import os  # noqa  :E501",
    "import os  # noqa:F401,E501",
    "import os  # noqa: E501 F401",
    "import os  # noqa: E501, F401",
    "import os  # noqa: E501 , F401",
    "import os  # noqa:E501\tF401",
    "import os  # noqa: - unused on purpose",
    "import os  # noqa - unused on purpose",
    "import os  # noqa F401",
    "import os  # noqa E501",
    "import os  # type: ignore # noqa",
    "import os  # type: ignore # noqa: E501",
    "import os  # foo # noqa: F401",
    "import os  ## noqa",
    "import os  # noqaF401",
    "import os  # noqa:",
    "import os  # noqa : ",
    "import os  # noqa:F401E501",
    "import os  # noqa:E501F401",
    "import os  # noqa: E501F",
    "import os  # noqa: F401ABC",
    "import os  # noqa:F401 because reasons",
    "import os  # noqa:E501 because F401",
    "import os  # noqa: F401,",
    "import os  # noqa: F401,,E501",
    "import os  # noqa:,F401",
    "import os  # noqa: F401:E501",
    "import os  # noqa:E501;F401",
    "import os  # noqa:E501,F401;",
    "import os  # noqa: E501x F401",
    "import os  # noqa: E501-F401",
    "import os  # noqa: E50 F401",
    "import os  # noqa: F4",
    "import os  # noqa: 401",
    "import os  # noqa:F401 E",
    "import os  # noqa:E501 # noqa: F401",
    "import os  # noqa # noqa: E501",
    "import os  # noqa #F401",
    "import os  # noqa!",
    "import os  # noqas",
    "import os  # noqa_F401",
    "import os  # x noqa",
    "import os  #:noqa",
    "import os  # ruff: noqa: E501",
)


def ruff_suppresses(lines: Sequence[str]) -> List[bool]:
    """For each line, whether ruff reports no F401 on a file holding just that line."""
    with tempfile.TemporaryDirectory() as root:
        for index, line in enumerate(lines):
            Path(root, f"line_{index}.py").write_text(line + "\n")
        completed = subprocess.run(
            [find_ruff_bin(), "check", "--isolated", "--no-cache", "--select", "F401"]
            + ["--output-format", "json", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,  # Exits 1 when it finds something.
        )
        flagged = {Path(item["filename"]).name for item in json.loads(completed.stdout)}
    return [f"line_{index}.py" not in flagged for index in range(len(lines))]


def test_the_table_agrees_with_ruff() -> None:
    expected = ruff_suppresses(LINES)
    # Both answers occur, so the comparison below can fail either way.
    assert any(expected) and not all(expected)
    assert {line: is_suppressed("F401", [line]) for line in LINES} == dict(zip(LINES, expected))


def test_comments_and_strings_on_continuation_lines() -> None:
    statement = ["from os import (  # noqa: F401", '    path, sep as s,  # "# noqa"', ")"]
    assert is_suppressed("F401", statement)
    assert not is_suppressed("E501", statement)
    assert is_suppressed("E501", ["x = (", "    1,  # noqa: E501", ")"])
    assert not is_suppressed("E501", ['x = """', "# noqa", '"""'])


_COMMENT_PIECES = st.sampled_from(
    ["#", " ", "  ", "\t", "noqa", "NOQA", "NoQa", ":", ",", ";", "-", "x", "F401", "E501"]
    + ["f401", "F", "401", "F4", "ruff"]
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_COMMENT_PIECES, min_size=1, max_size=8), min_size=40, max_size=40))
def test_random_comments_agree_with_ruff(comments: List[List[str]]) -> None:
    lines = ["import os  #" + "".join(pieces).rstrip() for pieces in comments]
    assert [is_suppressed("F401", [line]) for line in lines] == ruff_suppresses(lines)
