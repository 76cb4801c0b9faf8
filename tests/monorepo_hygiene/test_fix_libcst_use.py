"""The fixers parse with libcst only the files they will change: `pants lint` runs every fixer
in check mode over the whole repo, so a file with nothing to fix must cost what checking it costs
(the stdlib `ast`, 10-18x faster per file than libcst). Counted, not timed."""

from __future__ import annotations

from typing import Callable, Dict, List

import libcst
import pytest

from monorepo_hygiene.annotations import fix_files
from monorepo_hygiene.imports import FileFacts, ImportFacts, check_files


@pytest.fixture
def libcst_parses(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Every text libcst parses from now on: the core calls `libcst.parse_module` for it all."""
    parsed: List[str] = []
    real_parse = libcst.parse_module

    def counting_parse(source: str, *args: object, **kwargs: object) -> libcst.Module:
        parsed.append(source if isinstance(source, str) else source.decode())
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", counting_parse)
    return parsed


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


def test_the_imports_fixer_parses_only_the_file_it_fixes(libcst_parses: List[str]) -> None:
    clean_only = check_files({"src/shop/clean.py": CLEAN_IMPORTS}, IMPORT_FACTS, fix=True)
    assert (clean_only.fixed, clean_only.findings, libcst_parses) == ({}, (), [])

    both = check_files(
        {"src/shop/clean.py": CLEAN_IMPORTS, "src/shop/fixable.py": FIXABLE_IMPORTS},
        IMPORT_FACTS,
        fix=True,
    )
    assert both.fixed == {"src/shop/fixable.py": b"from .clean import f\n"}
    assert libcst_parses == [FIXABLE_IMPORTS.decode()]


ANNOTATED = b"def f() -> None:\n    print(1)\n"
# Findings, none fixable: `-> None` is not provably right for either function.
NOT_FIXABLE = b"def g():\n    return 1\n\n\ndef h(x):\n    return x\n"
FIXABLE = b"def k():\n    print(1)\n"


def test_the_annotations_fixer_parses_only_the_file_it_fixes(libcst_parses: List[str]) -> None:
    files = {"annotated.py": ANNOTATED, "not_fixable.py": NOT_FIXABLE}
    written: Dict[str, bytes] = {}
    result = fix_files(sorted(files), reader(files), written.__setitem__)
    assert [finding.code for finding in result.findings] == ["HA101", "HA101"]
    assert (result.fixed, written, libcst_parses) == ((), {}, [])

    files["fixable.py"] = FIXABLE
    result = fix_files(sorted(files), reader(files), written.__setitem__)
    assert written == {"fixable.py": b"def k() -> None:\n    print(1)\n"}
    assert libcst_parses == [FIXABLE.decode()]
