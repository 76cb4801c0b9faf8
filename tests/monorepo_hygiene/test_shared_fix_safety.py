"""Both fixers, as their command lines run them: only valid Python is checked as code or written,
a fix is written only if the fixed file compiles, and a file that can't be written is reported
while the rest of the batch is fixed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from monorepo_hygiene.annotations import check_files as check_annotations
from monorepo_hygiene.annotations import fix, fix_files
from monorepo_hygiene.findings import Finding
from monorepo_hygiene.imports import FileFacts, ImportFacts, rewrite, text_fix
from monorepo_hygiene.imports import check_files as check_imports
from tests.monorepo_hygiene.python_subprocess import subprocess_env

FIXABLE_FUNCTION = b"def f():\n    print(1)\n"
# Each has a fixable function and a construct libcst parses but every CPython rejects.
NEVER_VALID = {
    "non_ascii_bytes": FIXABLE_FUNCTION + 'x = b"\u00e9"\n'.encode(),
    "nul_in_comment": FIXABLE_FUNCTION + b"x = 1  # \x00\n",
    "deep_brackets": FIXABLE_FUNCTION + b"x = " + b"(" * 201 + b"1" + b")" * 201 + b"\n",
}

IMPORT_FACTS = ImportFacts(
    files={
        "src/shop/a.py": FileFacts("shop.a", False, "src/shop"),
        "src/shop/b.py": FileFacts("shop.b", False, "src/shop"),
    },
    module_owners={"shop.a": "src/shop", "shop.b": "src/shop"},
)
FIXABLE_IMPORT = b"from shop.b import x\n"


def _rendered(findings: Any) -> List[str]:
    return [finding.render() for finding in findings]


@pytest.mark.parametrize("content", NEVER_VALID.values(), ids=NEVER_VALID.keys())
def test_annotations_never_check_or_fix_what_cpython_rejects(content: bytes) -> None:
    written: Dict[str, bytes] = {}
    result = fix_files(["a.py"], {"a.py": content}.__getitem__, written.__setitem__)
    assert written == {}
    assert [finding.code for finding in result.findings] == ["HA100"]
    assert result.findings[0].line == 3
    assert result.findings[0].message.startswith("Cannot check file: syntax error: ")


@pytest.mark.parametrize("content", NEVER_VALID.values(), ids=NEVER_VALID.keys())
def test_imports_never_check_or_fix_what_cpython_rejects(content: bytes) -> None:
    content = content.replace(FIXABLE_FUNCTION, FIXABLE_IMPORT)
    result = check_imports({"src/shop/a.py": content}, IMPORT_FACTS, fix=True)
    assert result.fixed == {}
    assert [(f.code, f.line) for f in result.findings] == [("HI100", 2)]


def test_an_annotation_fix_that_would_not_compile_is_not_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def breaking_edit(content: bytes, def_lines: Any) -> Optional[bytes]:
        return content + b"return 1\n"

    monkeypatch.setattr(fix, "add_none_returns", breaking_edit)
    written: Dict[str, bytes] = {}
    files = {"a.py": FIXABLE_FUNCTION, "b.py": FIXABLE_FUNCTION}
    result = fix_files(["a.py", "b.py"], files.__getitem__, written.__setitem__)
    assert written == {}
    # The findings are those of the unchanged files, plus why each was left unchanged.
    assert _rendered(result.findings) == [
        line
        for path in ("a.py", "b.py")
        for line in (
            f"{path}:1:1: HA101 Missing return annotation for function `f` [*]",
            f"{path}:3:1: HA105 Cannot fix file: the fixed file would not compile "
            "(syntax error: 'return' outside function)",
        )
    ]


def test_an_import_fix_that_would_not_compile_is_not_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_apply_rewrites = rewrite.apply_rewrites

    def breaking_rewrites(content: bytes, *args: Any) -> bytes:
        return real_apply_rewrites(content, *args) + b"nonlocal x\n"

    monkeypatch.setattr(rewrite, "apply_rewrites", breaking_rewrites)
    # The libcst rewrite is what breaks here: the text edit (checked against `ast`) is not made.
    monkeypatch.setattr(text_fix, "rewrite_imports", lambda *args: None)
    result = check_imports({"src/shop/a.py": FIXABLE_IMPORT}, IMPORT_FACTS, fix=True)
    assert result.fixed == {}
    # The fix `pants fix` can't make is not promised: no `[*]`.
    assert _rendered(result.findings) == [
        "src/shop/a.py:1:1: HI101 Use a relative import for `shop.b`, owned by the same BUILD "
        "file (`src/shop/BUILD`) (policy `relative-within-build`: relative at any depth)",
        "src/shop/a.py:2:1: HI105 Cannot fix file: the fixed file would not compile "
        "(syntax error: nonlocal declaration not allowed at module level)",
    ]


def test_annotations_report_a_file_they_cannot_write_and_fix_the_others() -> None:
    written: Dict[str, bytes] = {}

    def write(path: str, content: bytes) -> None:
        if path == "a.py":
            raise PermissionError(13, "Permission denied", path)
        written[path] = content

    files = {"a.py": FIXABLE_FUNCTION, "b.py": FIXABLE_FUNCTION}
    result = fix_files(["a.py", "b.py"], files.__getitem__, write)
    assert written == {"b.py": b"def f() -> None:\n    print(1)\n"}
    assert result.fixed == written
    assert _rendered(result.findings) == [
        "a.py:1:1: HA101 Missing return annotation for function `f` [*]",
        "a.py:1:1: HA105 Cannot fix file: cannot write it (Permission denied)",
    ]


def _run(tmp_path: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def test_imports_cli_reports_a_read_only_file_and_fixes_the_others(tmp_path: Path) -> None:
    (tmp_path / "facts.json").write_text(json.dumps(IMPORT_FACTS.to_json()))
    (tmp_path / "src/shop").mkdir(parents=True)
    for name in ("a.py", "b.py"):
        (tmp_path / "src/shop" / name).write_bytes(FIXABLE_IMPORT.replace(b"shop.b", b"shop.a"))
    read_only = tmp_path / "src/shop/a.py"
    read_only.chmod(0o444)

    completed = _run(
        tmp_path, "monorepo_hygiene.imports", "--fix", "--facts", "facts.json",
        "src/shop/a.py", "src/shop/b.py",
    )  # fmt: skip

    assert (completed.returncode, completed.stderr) == (0, "")
    output = json.loads(completed.stdout)
    assert output["fixed"] == ["src/shop/b.py"]
    assert (tmp_path / "src/shop/b.py").read_bytes() == b"from .a import x\n"
    assert read_only.read_bytes() == b"from shop.a import x\n"
    assert [Finding.from_json(item).render() for item in output["findings"]] == [
        "src/shop/a.py:1:1: HI101 Use a relative import for `shop.a`, owned by the same BUILD "
        "file (`src/shop/BUILD`) (policy `relative-within-build`: relative at any depth) [*]",
        "src/shop/a.py:1:1: HI105 Cannot fix file: cannot write it "
        "(Permission denied (the file is read-only))",
    ]
    assert sorted(path.name for path in (tmp_path / "src/shop").iterdir()) == ["a.py", "b.py"]


def test_annotations_cli_reports_a_read_only_file_and_fixes_the_others(tmp_path: Path) -> None:
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_bytes(FIXABLE_FUNCTION)
    (tmp_path / "a.py").chmod(0o444)
    (tmp_path / "b.py").chmod(0o640)

    completed = _run(tmp_path, "monorepo_hygiene.annotations", "--fix", "a.py", "b.py")

    assert (completed.returncode, completed.stderr) == (0, "")
    output = json.loads(completed.stdout)
    assert output["fixed"] == ["b.py"]
    assert (tmp_path / "a.py").read_bytes() == FIXABLE_FUNCTION
    assert (tmp_path / "b.py").read_bytes() == b"def f() -> None:\n    print(1)\n"
    assert (tmp_path / "b.py").stat().st_mode & 0o777 == 0o640
    assert [item["message"] for item in output["findings"]] == [
        "Missing return annotation for function `f`",
        "Cannot fix file: cannot write it (Permission denied (the file is read-only))",
    ]


def test_a_non_utf8_comment_is_checked_as_cpython_reads_it() -> None:
    content = b"# caf\xe9\n" + FIXABLE_FUNCTION
    assert _rendered(check_annotations(["a.py"], {"a.py": content}.__getitem__).findings) == [
        "a.py:2:1: HA101 Missing return annotation for function `f` [*]"
    ]
    imports = check_imports({"src/shop/a.py": b"# caf\xe9\n" + FIXABLE_IMPORT}, IMPORT_FACTS)
    # Checked, but libcst can't rewrite it byte for byte: the fix is not promised.
    assert [(f.code, f.line, f.fixable) for f in imports.findings] == [
        ("HI105", 1, False),
        ("HI101", 2, False),
    ]


def test_both_fixers_fix_files_with_lone_cr_line_endings() -> None:
    # libcst drops the `\r` ending such a file; the fixers give it back.
    written: Dict[str, bytes] = {}
    content = b"def f():\r    print(1)\r"
    fix_files(["a.py"], {"a.py": content}.__getitem__, written.__setitem__)
    assert written == {"a.py": b"def f() -> None:\r    print(1)\r"}

    result = check_imports(
        {"src/shop/a.py": b"x = 1\rfrom shop.b import x\r"}, IMPORT_FACTS, fix=True
    )
    assert result.fixed == {"src/shop/a.py": b"x = 1\rfrom .b import x\r"}
    assert result.findings == ()
