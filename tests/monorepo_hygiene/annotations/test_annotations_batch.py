from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

from monorepo_hygiene.annotations import RULE_DOCS, AnnotationOptions, check_files, fix_files
from monorepo_hygiene.annotations.cli import main
from monorepo_hygiene.findings import Finding
from tests.monorepo_hygiene.python_subprocess import subprocess_env

GOOD = b"def f() -> None:\n    print(1)\n"
FIXABLE = b"def f():\n    print(1)\n"
UNFIXABLE = b"def g():\n    return 1\n"
BROKEN = b"x = 1\ndef h(:\n    pass\n"


def read_from(files: Dict[str, bytes]) -> Callable[[str], bytes]:
    def read(path: str) -> bytes:
        if path not in files:
            raise FileNotFoundError(2, "No such file or directory", path)
        return files[path]

    return read


def rendered(findings: Tuple[Finding, ...]) -> List[str]:
    return [finding.render() for finding in findings]


def test_check_files_reports_bad_files_and_checks_the_rest() -> None:
    files = {
        "a.py": UNFIXABLE,
        "b.py": BROKEN,
        "c.py": FIXABLE,
        "d.py": b"x = 1\ny = 2\nz = '\xff'\n",
    }
    result = check_files(["a.py", "b.py", "missing.py", "c.py", "d.py"], read_from(files))
    assert rendered(result.findings) == [
        "a.py:1:1: HA101 Missing return annotation for function `g`",
        "b.py:2:7: HA100 Cannot check file: syntax error: invalid syntax",
        "c.py:1:1: HA101 Missing return annotation for function `f` [*]",
        "d.py:3:6: HA100 Cannot check file: not valid utf-8: byte 0xff (invalid start byte)",
        "missing.py:1:1: HA100 Cannot check file: cannot read it (No such file or directory)",
    ]
    assert result.fixed == {}


def test_check_files_turns_unexpected_errors_into_findings() -> None:
    def read(path: str) -> bytes:
        raise RuntimeError("boom")

    result = check_files(["a.py"], read)
    assert rendered(result.findings) == [
        "a.py:1:1: HA100 Cannot check file: internal error (RuntimeError: boom)"
    ]


def test_check_files_applies_options() -> None:
    files = {"a.py": b"def f(x) -> None:\n    print(x)\n"}
    options = AnnotationOptions(select=frozenset({"HA102"}))
    result = check_files(["a.py"], read_from(files), options)
    assert rendered(result.findings) == [
        "a.py:1:7: HA102 Missing type annotation for parameter `x` in function `f`"
    ]


def test_fix_files_writes_fixes_and_reports_what_remains() -> None:
    files = {"a.py": FIXABLE + UNFIXABLE, "b.py": BROKEN, "c.py": GOOD}
    written: Dict[str, bytes] = {}

    result = fix_files(["a.py", "b.py", "c.py"], read_from(files), written.__setitem__)

    assert written == {"a.py": b"def f() -> None:\n    print(1)\ndef g():\n    return 1\n"}
    assert result.fixed == written
    assert rendered(result.findings) == [
        "a.py:3:1: HA101 Missing return annotation for function `g`",
        "b.py:2:7: HA100 Cannot check file: syntax error: invalid syntax",
    ]


def run_cli(args: List[str], capsys: pytest.CaptureFixture[str]) -> Dict[str, Any]:
    assert main(args) == 0
    output = json.loads(capsys.readouterr().out)
    assert isinstance(output, dict)
    return output


def test_cli_prints_findings_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pkg").mkdir()
    Path("pkg/a.py").write_bytes(FIXABLE)
    Path("pkg/b.py").write_bytes(BROKEN)

    output = run_cli(["pkg/a.py", "pkg/b.py"], capsys)

    assert output == {
        "findings": [
            Finding("pkg/a.py", 1, 1, "HA101", "Missing return annotation for function `f`",
                    fixable=True).to_json(),
            Finding("pkg/b.py", 2, 7, "HA100", "Cannot check file: syntax error: invalid syntax")
            .to_json(),
        ],
        "fixed": [],
    }  # fmt: skip
    assert Path("pkg/a.py").read_bytes() == FIXABLE


def test_cli_select_and_init_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.py").write_bytes(b"class A:\n    def __init__(self, x: int, y):\n        self.x = x\n")

    default = run_cli(["a.py"], capsys)
    both = run_cli(["--select", "ha101, HA102", "--allow-init-without-return", "a.py"], capsys)

    assert [finding["code"] for finding in default["findings"]] == ["HA101"]
    assert [finding["message"] for finding in both["findings"]] == [
        "Missing type annotation for parameter `y` in function `__init__`"
    ]


def test_cli_fix_rewrites_in_place_and_reports_what_remains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.py").write_bytes(FIXABLE + UNFIXABLE)
    Path("b.py").write_bytes(GOOD)

    output = run_cli(["--fix", "a.py", "b.py"], capsys)

    assert Path("a.py").read_bytes() == b"def f() -> None:\n    print(1)\ndef g():\n    return 1\n"
    assert Path("b.py").read_bytes() == GOOD
    assert output["fixed"] == ["a.py"]
    assert [(finding["line"], finding["fixable"]) for finding in output["findings"]] == [(3, False)]


def test_cli_rejects_unknown_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--select", "HA101,XY1", "a.py"])
    assert exit_info.value.code == 2
    assert "unknown code(s): XY1" in capsys.readouterr().err


def test_cli_runs_as_module(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(UNFIXABLE)
    process = subprocess.run(
        [sys.executable, "-m", "monorepo_hygiene.annotations", "a.py"],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        check=True,
    )
    assert json.loads(process.stdout) == {
        "findings": [
            Finding("a.py", 1, 1, "HA101", "Missing return annotation for function `g`").to_json()
        ],
        "fixed": [],
    }


def test_checking_does_not_load_libcst() -> None:
    # libcst costs ~150 ms to import: plain `lint` batches must not pay it.
    code = (
        "import sys; from monorepo_hygiene.annotations.cli import main; "
        "main(['a.py']); assert 'libcst' not in sys.modules"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        env=subprocess_env(),
        capture_output=True,
        check=True,
    )


def test_rule_docs_cover_every_code_in_ruff_shape() -> None:
    assert [doc.code for doc in RULE_DOCS] == ["HA101", "HA102", "HA103", "HA100", "HA105"]
    for doc in RULE_DOCS:
        rendered_doc = doc.render()
        for section in ["What it does:", "Why is this bad?", "Example:", "Use instead:",
                        "Fix safety:"]:  # fmt: skip
            assert section in rendered_doc


def test_rule_docs_document_the_differences_from_ruff() -> None:
    return_doc, parameter_doc, *_ = RULE_DOCS
    assert "`@overload`-ed function is reported" in return_doc.what_it_does
    assert "backslash continuation" in return_doc.what_it_does
    assert "`# noqa` on the name's line only" in return_doc.what_it_does
    assert "first keyword-only\n    parameter is reported" in parameter_doc.what_it_does


def test_deeply_nested_newer_syntax_is_checked_not_an_internal_error(tmp_path: Path) -> None:
    # 150 nested lists compile on CPython (200 brackets is its limit); on an interpreter older
    # than the file's PEP 695 syntax libcst reads it, whose visitors need more than the default
    # recursion limit: the checker raises it (in a process of its own here, as in Pants).
    nested = "[" * 150 + "1" + "]" * 150
    source = f"def f[T](x: T) -> T:\n    return x\n\n\ny = {nested}\n\n\ndef g(x):\n    print(x)\n"
    (tmp_path / "deep.py").write_text(source)
    completed = subprocess.run(
        [sys.executable, "-m", "monorepo_hygiene.annotations", "deep.py"],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    findings = json.loads(completed.stdout)["findings"]
    assert [(f["line"], f["code"]) for f in findings] == [(8, "HA101")]
