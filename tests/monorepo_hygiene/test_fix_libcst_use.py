"""The fixers parse with libcst only the files they will change, and not even those unless the
edit on the text can't be shown right: `pants lint` runs every fixer in check mode
over the whole repo, so a file with nothing to fix must cost what checking it costs (the stdlib
`ast`, 10-18x faster per file than libcst). Counted, not timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple, Union

import libcst
import pytest

from monorepo_hygiene.annotations import fix_files
from monorepo_hygiene.imports import FileFacts, ImportFacts, check_files
from tests.monorepo_hygiene.python_subprocess import subprocess_env


@pytest.fixture
def libcst_parses(monkeypatch: pytest.MonkeyPatch) -> List[Union[str, bytes]]:
    """Every source libcst parses from now on: the core calls `libcst.parse_module` for all."""
    parsed: List[Union[str, bytes]] = []
    real_parse = libcst.parse_module

    def counting_parse(source: Union[str, bytes], *args: Any, **kwargs: Any) -> libcst.Module:
        parsed.append(source)
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", counting_parse)
    return parsed


def _text(source: Union[str, bytes]) -> str:
    return source.decode() if isinstance(source, bytes) else source


def reader(files: Dict[str, bytes]) -> Callable[[str], bytes]:
    return files.__getitem__


IMPORT_FACTS = ImportFacts(
    files={
        "src/shop/clean.py": FileFacts("shop.clean", False, "src/shop"),
        "src/shop/fixable.py": FileFacts("shop.fixable", False, "src/shop"),
    },
    module_owners={"shop.clean": "src/shop", "shop.fixable": "src/shop", "billing": "src/billing"},
)
CLEAN_IMPORTS = b"import os\nfrom billing import charge\nfrom . import fixable\n\n\ndef f():\n    pass\n"
FIXABLE_IMPORTS = b"from shop.clean import f\n"
CONTINUED_IMPORT = b"from shop.clean \\\n    import f\n"


def test_the_imports_fixer_parses_only_the_file_libcst_must_edit(libcst_parses: List[Union[str, bytes]]) -> None:
    clean_only = check_files({"src/shop/clean.py": CLEAN_IMPORTS}, IMPORT_FACTS, fix=True)
    assert (clean_only.fixed, clean_only.findings, libcst_parses) == ({}, (), [])

    both_files = {"src/shop/clean.py": CLEAN_IMPORTS, "src/shop/fixable.py": FIXABLE_IMPORTS}
    both = check_files(both_files, IMPORT_FACTS, fix=True)
    # The rewrite goes in on the text, checked against `ast`: no libcst.
    assert both.fixed == {"src/shop/fixable.py": b"from .clean import f\n"}
    assert libcst_parses == []

    # A `from` part continued over two lines is left to libcst, for that file alone.
    continued = {**both_files, "src/shop/fixable.py": CONTINUED_IMPORT}
    result = check_files(continued, IMPORT_FACTS, fix=True)
    assert result.fixed == {"src/shop/fixable.py": b"from .clean \\\n    import f\n"}
    assert [_text(source) for source in libcst_parses] == [CONTINUED_IMPORT.decode()]


ANNOTATED = b"def f() -> None:\n    print(1)\n"
# Findings, none fixable: `-> None` is not provably right for either function.
NOT_FIXABLE = b"def g():\n    return 1\n\n\ndef h(x):\n    return x\n"
FIXABLE = b"def k(a=(1, 2)):  # ends here\n    print(1)\n"
# A coding cookie other than UTF-8: the text edit leaves the file to libcst, which keeps it.
FIXABLE_LATIN_1 = "# -*- coding: latin-1 -*-\ndef m():\n    print('é')\n".encode("latin-1")


def test_the_annotations_fixer_parses_only_the_file_libcst_must_edit(
    libcst_parses: List[Union[str, bytes]],
) -> None:
    files = {"annotated.py": ANNOTATED, "not_fixable.py": NOT_FIXABLE}
    written: Dict[str, bytes] = {}
    result = fix_files(sorted(files), reader(files), written.__setitem__)
    assert [finding.code for finding in result.findings] == ["HA101", "HA101"]
    assert (result.fixed, written, libcst_parses) == ({}, {}, [])

    # `-> None` goes in on the text, checked against `ast`: still no libcst.
    files["fixable.py"] = FIXABLE
    result = fix_files(sorted(files), reader(files), written.__setitem__)
    assert written == {"fixable.py": b"def k(a=(1, 2)) -> None:  # ends here\n    print(1)\n"}
    assert libcst_parses == []

    files["latin.py"] = FIXABLE_LATIN_1
    result = fix_files(sorted(files), reader(files), written.__setitem__)
    assert written["latin.py"] == FIXABLE_LATIN_1.replace(b"m():", b"m() -> None:")
    assert libcst_parses == [FIXABLE_LATIN_1]


# Run as the Pants adapters run a checker, then say whether the process imported libcst.
_CHECK_AND_TELL = (
    "import sys\n"
    "from monorepo_hygiene.{checker}.cli import main\n"
    "main(sys.argv[1:])\n"
    "print('libcst' in sys.modules)\n"
)


@pytest.mark.parametrize(
    ("checker", "path", "content", "argv"),
    [
        ("annotations", "fixable.py", FIXABLE, ()),
        ("imports", "src/shop/fixable.py", FIXABLE_IMPORTS, ("--facts=facts.json",)),
    ],
)
def test_a_check_whose_fixes_all_go_in_on_the_text_never_imports_libcst(
    tmp_path: Path, checker: str, path: str, content: bytes, argv: Tuple[str, ...]
) -> None:
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_bytes(content)
    (tmp_path / "facts.json").write_text(json.dumps(IMPORT_FACTS.to_json()))
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _CHECK_AND_TELL.format(checker=checker),
            "--write-fixes=out",
            *argv,
            path,
        ],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    payload, imported_libcst = completed.stdout.splitlines()
    assert json.loads(payload)["fixed"] == [path]
    assert (tmp_path / "out" / path).read_bytes() != content
    assert imported_libcst == "False"
