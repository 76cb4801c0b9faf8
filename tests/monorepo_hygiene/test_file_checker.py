"""The shared file-checker pipeline (`monorepo_hygiene.file_checker`) with a small rule of its
own, on real files in temporary directories: one bad file costs only its own findings, a fix
that wouldn't compile is never written, a failed write leaves the file as it was, and the result
cache reuses exactly the unchanged files."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from monorepo_hygiene.file_checker import (
    CommandLine,
    FileCheck,
    FileRule,
    check_files,
    fix_content,
    fix_files,
)
from monorepo_hygiene.files import write_atomically
from monorepo_hygiene.findings import Finding
from monorepo_hygiene.result_cache import ResultCache
from monorepo_hygiene.source import decode_source, parse_module

# The toy rule: `x = 1` should say `x = 2` (fixable); `x = 3` is wrong (not fixable). A line `# break` makes the fix append a
# statement that doesn't compile; `# via-cst` makes the text edit decline so the second edit runs.


class ToyRule(FileRule):
    cannot_check_code = "TT100"
    cannot_fix_code = "TT105"

    def __init__(self) -> None:
        self.checked: List[str] = []
        self.cst_edits: List[str] = []
        self.stale: Dict[str, Any] = {}

    def check(self, path: str, content: bytes) -> FileCheck:
        self.checked.append(path)
        parse_module(path, content)  # Raises SourceError for a file that isn't Python.
        text = decode_source(path, content)
        findings = [
            Finding(path, number, 1, "TT101", "`x = 1` should be `x = 2`", fixable=True)
            for number, line in enumerate(text.splitlines(), 1)
            if line == "x = 1"
        ]
        findings.extend(
            Finding(path, number, 1, "TT102", "`x = 3` is wrong")
            for number, line in enumerate(text.splitlines(), 1)
            if line == "x = 3"
        )
        return FileCheck(tuple(sorted(findings)))

    def fix(self, path: str, content: bytes) -> Optional[bytes]:
        def text_edit(body: bytes) -> Optional[bytes]:
            if b"# via-cst" in body:
                return None
            return _edited(body)

        def cst_edit(body: bytes) -> Optional[bytes]:
            self.cst_edits.append(path)
            return _edited(body)

        return fix_content(path, content, text_edit, cst_edit)

    def dependencies(self) -> Any:
        return {"version": 1}

    def check_dependencies(self, dependencies: Any) -> None:
        if self.stale:
            raise ValueError("changed")


def _edited(body: bytes) -> bytes:
    edited = re.sub(rb"(?m)^x = 1$", b"x = 2", body)
    return edited + b"return 1\n" if b"# break" in body else edited


def _read(root: Path) -> Any:
    return lambda path: (root / path).read_bytes()


def _rendered(findings: Any) -> List[str]:
    return [finding.render() for finding in findings]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_bytes(b"y = 0\n")
    (tmp_path / "fixable.py").write_bytes(b"x = 1\n")
    (tmp_path / "broken.py").write_bytes(b"x = 1\ndef f(:\n")
    (tmp_path / "latin.py").write_bytes(b"x = 1\nz = '\xff'\n")
    (tmp_path / "directory.py").mkdir()
    return tmp_path


def test_a_bad_file_costs_only_its_own_findings(tree: Path) -> None:
    paths = ["broken.py", "directory.py", "fixable.py", "good.py", "latin.py", "missing.py"]
    result = check_files(paths, _read(tree), ToyRule())
    assert _rendered(result.findings) == [
        "broken.py:2:7: TT100 Cannot check file: syntax error: invalid syntax",
        "directory.py:1:1: TT100 Cannot check file: cannot read it (Is a directory)",
        "fixable.py:1:1: TT101 `x = 1` should be `x = 2` [*]",
        "latin.py:2:6: TT100 Cannot check file: not valid utf-8: byte 0xff (invalid start byte)",
        "missing.py:1:1: TT100 Cannot check file: cannot read it (No such file or directory)",
    ]
    assert result.fixes == {}  # A plain check of a rule that doesn't try its fix makes none.


def test_a_rule_that_raises_costs_only_that_file(tree: Path) -> None:
    class Failing(ToyRule):
        def check(self, path: str, content: bytes) -> FileCheck:
            if path == "good.py":
                raise KeyError("boom")
            return super().check(path, content)

    result = check_files(["fixable.py", "good.py"], _read(tree), Failing())
    assert _rendered(result.findings) == [
        "fixable.py:1:1: TT101 `x = 1` should be `x = 2` [*]",
        "good.py:1:1: TT100 Cannot check file: internal error (KeyError: 'boom')",
    ]


def test_fix_writes_fixes_and_reports_what_remains(tree: Path) -> None:
    (tree / "cst.py").write_bytes(b"# via-cst\nx = 1\r")
    rule = ToyRule()
    paths = ["broken.py", "cst.py", "fixable.py", "good.py"]
    result = fix_files(paths, _read(tree), write_atomically_in(tree), rule)
    assert (tree / "fixable.py").read_bytes() == b"x = 2\n"
    # The lone CR ending is kept off the edit and put back.
    assert (tree / "cst.py").read_bytes() == b"# via-cst\nx = 2\r"
    assert rule.cst_edits == ["cst.py"]
    assert result.fixed == {"cst.py": b"# via-cst\nx = 2\r", "fixable.py": b"x = 2\n"}
    assert _rendered(result.findings) == [
        "broken.py:2:7: TT100 Cannot check file: syntax error: invalid syntax"
    ]
    assert (tree / "broken.py").read_bytes() == b"x = 1\ndef f(:\n"


def test_a_fix_that_would_not_compile_is_not_written(tree: Path) -> None:
    (tree / "breaks.py").write_bytes(b"# break\nx = 1\n")
    result = fix_files(
        ["breaks.py", "fixable.py"], _read(tree), write_atomically_in(tree), ToyRule()
    )
    assert (tree / "breaks.py").read_bytes() == b"# break\nx = 1\n"
    assert result.fixed == {"fixable.py": b"x = 2\n"}
    assert _rendered(result.findings) == [
        "breaks.py:2:1: TT101 `x = 1` should be `x = 2` [*]",
        "breaks.py:3:1: TT105 Cannot fix file: the fixed file would not compile "
        "(syntax error: 'return' outside function)",
    ]


def test_a_failed_write_leaves_the_file_whole_and_the_others_fixed(tree: Path) -> None:
    (tree / "other.py").write_bytes(b"x = 1\ny = 1\n")

    def write(path: str, content: bytes) -> None:
        if path == "fixable.py":
            # A full disk: the file must keep its content, the others still get theirs.
            raise OSError(28, "No space left on device")
        write_atomically(str(tree / path), content)

    result = fix_files(["fixable.py", "other.py"], _read(tree), write, ToyRule())
    assert (tree / "fixable.py").read_bytes() == b"x = 1\n"
    assert (tree / "other.py").read_bytes() == b"x = 2\ny = 1\n"
    assert _rendered(result.findings) == [
        "fixable.py:1:1: TT101 `x = 1` should be `x = 2` [*]",
        "fixable.py:1:1: TT105 Cannot fix file: cannot write it (No space left on device)",
    ]
    assert sorted(os.listdir(tree)) == sorted(
        ["broken.py", "directory.py", "fixable.py", "good.py", "latin.py", "other.py"]
    )  # No temporary file left behind.


def test_the_cache_reuses_exactly_the_unchanged_files(tree: Path, tmp_path_factory: Any) -> None:
    cache_dir = str(tmp_path_factory.mktemp("cache"))
    paths = ["broken.py", "fixable.py", "good.py"]

    def run(rule: ToyRule) -> Any:
        cache = ResultCache.open(cache_dir, "toy", [b"scope"])
        result = check_files(paths, _read(tree), rule, cache)
        cache.save()
        return result, cache.reused

    cold_rule = ToyRule()
    cold, reused = run(cold_rule)
    assert (cold_rule.checked, reused) == (paths, 0)

    warm_rule = ToyRule()
    warm, reused = run(warm_rule)
    assert (warm_rule.checked, reused, warm) == ([], 3, cold)

    (tree / "good.py").write_bytes(b"x = 1\n")
    edited_rule = ToyRule()
    edited, reused = run(edited_rule)
    assert (edited_rule.checked, reused) == (["good.py"], 2)
    assert "good.py:1:1: TT101 `x = 1` should be `x = 2` [*]" in _rendered(edited.findings)

    stale_rule = ToyRule()
    stale_rule.stale["any"] = True  # What every row depended on changed: all are misses.
    _, reused = run(stale_rule)
    assert (stale_rule.checked, reused) == (paths, 0)


def test_a_check_with_fixes_makes_them_without_writing(tree: Path) -> None:
    result = check_files(["fixable.py", "good.py"], _read(tree), ToyRule(), with_fixes=True)
    assert result.fixes == {"fixable.py": b"x = 2\n"}
    assert (tree / "fixable.py").read_bytes() == b"x = 1\n"


def test_the_command_line_checks_fixes_and_writes_fixes(
    tree: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    command_line = CommandLine(
        checker="toy",
        description="toy",
        add_arguments=lambda parser: None,
        make_rule=lambda args: ToyRule(),
        cache_scope=lambda rule: b"",
        fix_help="fix",
    )
    monkeypatch.chdir(tree)

    def run(*argv: str) -> Dict[str, Any]:
        assert command_line.main(list(argv)) == 0
        output: Dict[str, Any] = json.loads(capsys.readouterr().out)
        return output

    (tree / "mixed.py").write_bytes(b"x = 1\nx = 3\n")
    paths = ["broken.py", "fixable.py", "mixed.py"]
    checked = run(*paths)
    codes = [(item["path"], item["code"]) for item in checked["findings"]]
    assert codes == [
        ("broken.py", "TT100"),
        ("fixable.py", "TT101"),
        ("mixed.py", "TT101"),
        ("mixed.py", "TT102"),
    ]
    assert checked["fixed"] == []
    assert "after_fixes" not in checked

    written = run("--write-fixes=out", *paths)
    assert written["findings"] == checked["findings"]
    assert written["fixed"] == ["fixable.py", "mixed.py"]
    assert (tree / "out/fixable.py").read_bytes() == b"x = 2\n"
    assert (tree / "out/mixed.py").read_bytes() == b"x = 2\nx = 3\n"
    assert (tree / "fixable.py").read_bytes() == b"x = 1\n"
    # What `--fix` would leave in the fixed files, in the same process.
    assert [(item["path"], item["code"]) for item in written["after_fixes"]] == [
        ("mixed.py", "TT102")
    ]

    fixed = run("--fix", *paths)
    assert [(item["path"], item["code"]) for item in fixed["findings"]] == [
        ("broken.py", "TT100"),
        ("mixed.py", "TT102"),
    ]
    assert fixed["fixed"] == ["fixable.py", "mixed.py"]
    assert (tree / "fixable.py").read_bytes() == b"x = 2\n"
    ast.parse((tree / "mixed.py").read_bytes())


def write_atomically_in(root: Path) -> Any:
    return lambda path, content: write_atomically(str(root / path), content)
