"""A file a checker fixes is read by its check, its fix, the fix's compile check and the check of
the fixed text (`file_checker.check_files` with fixes, what every Pants batch runs). Counted at
CPython's compiler, each of the two texts is parsed once and compiled once, whichever the rule;
and the trees those steps share come out as CPython makes them: no proof of a text edit changed
them."""

from __future__ import annotations

import ast
import builtins
from typing import Any, List, Tuple

import pytest

from monorepo_hygiene.annotations.batch import AnnotationRule
from monorepo_hygiene.annotations.options import AnnotationOptions
from monorepo_hygiene.file_checker import FileRule, check_files
from monorepo_hygiene.imports import FileFacts, ImportFacts
from monorepo_hygiene.imports.batch import ImportRule
from monorepo_hygiene.source import parse_module

# Each text is the test's own, so no other test's parse of it is kept.
ANNOTATED = (
    "m.py",
    b"# parsed once: annotations\ndef f():\n    print(1)\n\n\ndef g(x):\n    print(x)\n",
    b"# parsed once: annotations\ndef f() -> None:\n    print(1)\n\n\ndef g(x) -> None:\n"
    b"    print(x)\n",
)
# Rewritten at the top level and inside a block (the proof swaps that one in for a moment).
IMPORTED = (
    "src/shop/a.py",
    b"# parsed once: imports\nfrom shop.b import x\ntry:\n    from shop.b import y\n"
    b"except ImportError:\n    y = None\n",
    b"# parsed once: imports\nfrom .b import x\ntry:\n    from .b import y\n"
    b"except ImportError:\n    y = None\n",
)
FACTS = ImportFacts(
    files={"src/shop/a.py": FileFacts("shop.a", False, "src/shop")},
    module_owners={"shop.a": "src/shop", "shop.b": "src/shop"},
)


def _annotation_rule() -> FileRule:
    return AnnotationRule(AnnotationOptions(select=frozenset({"HA101"})), lambda path: b"")


def _import_rule() -> FileRule:
    return ImportRule(FACTS, lambda path: b"")


@pytest.mark.parametrize(
    ("make_rule", "case"),
    [(_annotation_rule, ANNOTATED), (_import_rule, IMPORTED)],
    ids=["annotations", "imports"],
)
def test_a_fixed_file_and_its_fix_are_each_parsed_and_compiled_once(
    monkeypatch: pytest.MonkeyPatch, make_rule: Any, case: Tuple[str, bytes, bytes]
) -> None:
    path, content, fixed = case
    parsed: List[bytes] = []
    compiled: List[str] = []
    real_compile = builtins.compile

    def counting_compile(source: Any, filename: Any, mode: str, flags: int = 0, **kw: Any) -> Any:
        # Modules only: importing libcst for the fix compiles type expressions too.
        if mode == "exec" and flags & ast.PyCF_ONLY_AST:
            # As bytes: a text edit's proof used to parse the decoded text.
            parsed.append(source.encode() if isinstance(source, str) else source)
        elif mode == "exec" and isinstance(source, ast.Module):
            compiled.append(ast.dump(source))
        return real_compile(source, filename, mode, flags, **kw)

    monkeypatch.setattr(builtins, "compile", counting_compile)
    result = check_files([path], {path: content}.__getitem__, make_rule(), with_fixes=True)
    monkeypatch.undo()

    assert result.fixes == {path: fixed}
    assert any(finding.fixable for finding in result.findings)
    assert result.after_fixes == ()
    assert sorted(parsed) == sorted([content, fixed])
    assert sorted(compiled) == sorted(ast.dump(ast.parse(text)) for text in (content, fixed))
    # The trees kept for both texts are still CPython's: the proofs put back what they changed.
    for text in (content, fixed):
        assert ast.dump(parse_module(path, text), include_attributes=True) == ast.dump(
            ast.parse(text), include_attributes=True
        )
