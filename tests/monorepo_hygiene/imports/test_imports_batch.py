"""Checking batches of files, in process and through the command line the Pants adapter runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from monorepo_hygiene.findings import Finding
from monorepo_hygiene.imports import FileFacts, ImportFacts, check, check_files
from tests.monorepo_hygiene.python_subprocess import subprocess_env

FACTS = ImportFacts(
    files={
        "src/shop/a.py": FileFacts("shop.a", False, "src/shop"),
        "src/shop/b.py": FileFacts("shop.b", False, "src/shop"),
        "src/shop/broken.py": FileFacts("shop.broken", False, "src/shop"),
    },
    module_owners={"shop.a": "src/shop", "shop.b": "src/shop", "shop.broken": "src/shop"},
)
CONTENTS = {
    "src/shop/a.py": b"from shop.b import x\nimport shop.b\n",
    "src/shop/b.py": b"from . import a\n",
    "src/shop/broken.py": b"from shop.a import y\nif:\n",
    "src/shop/unknown.py": b"from shop.a import y\n",
}


def test_a_batch_reports_every_file_sorted_and_survives_bad_ones() -> None:
    result = check_files(CONTENTS, FACTS)
    assert [(f.path, f.line, f.code) for f in result.findings] == [
        ("src/shop/a.py", 1, "HI101"),
        ("src/shop/a.py", 2, "HI101"),
        ("src/shop/broken.py", 2, "HI100"),
        ("src/shop/unknown.py", 1, "HI100"),
    ]
    assert result.findings[-1].message == (
        "Cannot check file: the build tool gave no ownership facts for it"
    )
    assert result.fixed == {}


def test_fix_mode_returns_new_contents_and_the_findings_left() -> None:
    result = check_files(CONTENTS, FACTS, fix=True)
    assert result.fixed == {"src/shop/a.py": b"from .b import x\nimport shop.b\n"}
    assert [(f.path, f.line, f.code, f.fixable) for f in result.findings] == [
        ("src/shop/a.py", 2, "HI101", False),
        ("src/shop/broken.py", 2, "HI100", False),
        ("src/shop/unknown.py", 1, "HI100", False),
    ]


def test_an_internal_error_costs_only_its_file(monkeypatch: pytest.MonkeyPatch) -> None:
    real_judge = check.judge

    def judge_failing_in_b(statement: Any, context: Any, owners: Any) -> Any:
        if context.package_parts == ("shop",) and statement.level:
            raise KeyError("boom")
        return real_judge(statement, context, owners)

    monkeypatch.setattr(check, "judge", judge_failing_in_b)
    result = check_files(
        {path: CONTENTS[path] for path in ("src/shop/a.py", "src/shop/b.py")}, FACTS
    )
    assert [(f.path, f.code) for f in result.findings] == [
        ("src/shop/a.py", "HI101"),
        ("src/shop/a.py", "HI101"),
        ("src/shop/b.py", "HI100"),
    ]
    assert result.findings[-1].message == "Cannot check file: internal error (KeyError: 'boom')"


def _run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # This process's path: the core and libcst, also when tests run from a PEX.
    return subprocess.run(
        [sys.executable, "-m", "monorepo_hygiene.imports", *args],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def _write_repo(tmp_path: Path) -> List[str]:
    (tmp_path / "facts.json").write_text(json.dumps(FACTS.to_json()))
    for path in ("src/shop/a.py", "src/shop/b.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(CONTENTS[path])
    return ["src/shop/a.py", "src/shop/b.py", "src/shop/broken.py"]


def _findings(stdout: str) -> List[Dict[str, Any]]:
    return json.loads(stdout)["findings"]


def test_cli_checks_and_prints_json(tmp_path: Path) -> None:
    files = _write_repo(tmp_path)
    completed = _run_cli(tmp_path, "--facts", "facts.json", *files)
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert output["fixed"] == []
    same_build = (
        "Use a relative import for `shop.b`, owned by the same BUILD file (`src/shop/BUILD`) "
        "(policy `relative-within-build`: relative at any depth)"
    )
    unreadable = "Cannot check file: cannot read it (No such file or directory)"
    assert [Finding.from_json(item).render() for item in output["findings"]] == [
        f"src/shop/a.py:1:1: HI101 {same_build} [*]",
        f"src/shop/a.py:2:1: HI101 {same_build}",
        f"src/shop/broken.py:1:1: HI100 {unreadable}",
    ]


def test_cli_fixes_in_place(tmp_path: Path) -> None:
    files = _write_repo(tmp_path)
    completed = _run_cli(tmp_path, "--fix", "--facts", "facts.json", *files[:2])
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["fixed"] == ["src/shop/a.py"]
    assert [item["line"] for item in _findings(completed.stdout)] == [2]
    assert (tmp_path / "src/shop/a.py").read_bytes() == b"from .b import x\nimport shop.b\n"
    assert (tmp_path / "src/shop/b.py").read_bytes() == CONTENTS["src/shop/b.py"]


def test_cli_writes_the_fixes_its_check_tried_and_reports_the_files_as_read(
    tmp_path: Path,
) -> None:
    files = _write_repo(tmp_path)
    checked = json.loads(_run_cli(tmp_path, "--facts", "facts.json", *files[:2]).stdout)
    completed = _run_cli(tmp_path, "--write-fixes=out", "--facts", "facts.json", *files[:2])
    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    # The linter's findings, `[*]` included, and the fixer's files: one process for both.
    assert output["findings"] == checked["findings"]
    assert output["fixed"] == ["src/shop/a.py"]
    fixed = check_files(CONTENTS, FACTS, fix=True)
    # Only the fixed file is written, under `out/`; the files checked stay as they are.
    assert [p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*")] == [
        "src/shop/a.py"
    ]
    assert (tmp_path / "out/src/shop/a.py").read_bytes() == fixed.fixed["src/shop/a.py"]
    for path in files[:2]:
        assert (tmp_path / path).read_bytes() == CONTENTS[path]
    # What a fixed file keeps is its findings that no fix touches.
    assert [f for f in output["findings"] if not f["fixable"]] == [
        f.to_json() for f in fixed.findings if f.path in ("src/shop/a.py", "src/shop/b.py")
    ]


def test_cli_fix_and_write_fixes_exclude_each_other(tmp_path: Path) -> None:
    files = _write_repo(tmp_path)
    completed = _run_cli(tmp_path, "--fix", "--write-fixes=out", "--facts", "facts.json", *files)
    assert completed.returncode == 2
    assert "not allowed with argument" in completed.stderr


def test_cli_refuses_unreadable_facts(tmp_path: Path) -> None:
    (tmp_path / "facts.json").write_text('{"files": []}')
    completed = _run_cli(tmp_path, "--facts", "facts.json", "a.py")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr == (
        "Cannot read the import facts `facts.json`: Invalid import facts at `files`: "
        "expected an object mapping paths to file facts\n"
    )
